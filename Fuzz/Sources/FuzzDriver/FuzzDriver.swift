import CLibFuzzer
import FuzzKit
#if canImport(Glibc)
import Glibc
#endif

/// Hands one FuzzKit target to libFuzzer's driver. Why a driver and not libFuzzer's own `main`:
/// SwiftPM links every executable with its own entry point, so the targets are ordinary
/// executables that call `LLVMFuzzerRunDriver`.
public enum FuzzDriver {
    /// The target the C callback runs (a C function pointer cannot capture it).
    nonisolated(unsafe) static var target = ""

    public static func run(_ name: String) -> Never {
        target = name
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
            FuzzTargets.run(FuzzDriver.target, data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
            return 0
        })
    }
}
