import CSpawn
import Glibc

/// A program started with `posix_spawn`, its standard streams wired to pipes or `/dev/null`.
///
/// Why not Foundation's `Process`: it is in full Foundation, which the release binary does not link
/// (it would bring ICU's 47 MB along). This is the part of it git needs: an absolute executable,
/// an argument vector, a complete environment, and every descriptor but 0–2 closed in the child
/// (pipes are created close-on-exec, and `addclosefrom_np` closes whatever else is open, such as
/// a scanned file another thread is reading).
package final class ChildProcess {
    /// What one of the child's standard streams is connected to.
    package enum Stream {
        case nullDevice
        /// A new pipe; the parent's end is in `input` (for the child's stdin) or `output`/`errors`.
        case pipe
    }

    package let pid: pid_t
    /// The write end of the child's standard input, when it is a pipe (-1 otherwise).
    package private(set) var input: Int32 = -1
    /// The read end of the child's standard output, when it is a pipe (-1 otherwise).
    package private(set) var output: Int32 = -1
    /// The read end of the child's standard error, when it is a pipe (-1 otherwise).
    package private(set) var errors: Int32 = -1
    private var status: Int32?

    /// Why a child could not be started: the failing call and `strerror`'s text.
    package struct LaunchError: Error, CustomStringConvertible {
        package let description: String
    }

    package init(
        executable: String, arguments: [String], environment: [String: String],
        stdin: Stream, stdout: Stream, stderr: Stream
    ) throws(LaunchError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Parent ends, to close on failure; child ends, to close in the parent after spawning.
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        func wire(_ stream: Stream, to target: Int32, childReads: Bool) throws(LaunchError) -> Int32 {
            switch stream {
            case .nullDevice:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", childReads ? O_RDONLY : O_WRONLY, 0)
                return -1
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard pipe2(&ends, O_CLOEXEC) == 0 else { throw LaunchError(description: "pipe: \(ChildProcess.errorText())") }
                let (childEnd, parentEnd) = childReads ? (ends[0], ends[1]) : (ends[1], ends[0])
                // dup2 onto 0–2 clears close-on-exec on the copy only.
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
                parentEnds.append(parentEnd)
                childEnds.append(childEnd)
                return parentEnd
            }
        }
        do {
            input = try wire(stdin, to: STDIN_FILENO, childReads: true)
            output = try wire(stdout, to: STDOUT_FILENO, childReads: false)
            errors = try wire(stderr, to: STDERR_FILENO, childReads: false)
        } catch {
            for descriptor in parentEnds + childEnds { close(descriptor) }
            throw error
        }
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal dispositions and an empty mask, whatever tokenscan
        // ignores (SIGPIPE) or blocks: git must die of a closed pipe as it would from a shell.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        for descriptor in childEnds { close(descriptor) }
        guard result == 0 else {
            for descriptor in parentEnds { close(descriptor) }
            throw LaunchError(description: "\(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// Closes the parent's end of the child's standard input (the child sees end of file).
    package func closeInput() {
        if input >= 0 { close(input); input = -1 }
    }

    /// Waits for the child to end; its exit status, or 128 + the signal that ended it (as a shell
    /// reports it). Closes the parent's pipe ends.
    @discardableResult
    package func wait() -> (exited: Bool, status: Int32) {
        closeInput()
        if status == nil {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status = raw
        }
        for descriptor in [output, errors] where descriptor >= 0 { close(descriptor) }
        output = -1
        errors = -1
        let raw = status ?? 0
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        let signal = raw & 0x7F
        return signal == 0 ? (true, (raw >> 8) & 0xFF) : (false, 128 + signal)
    }

    deinit {
        if status == nil { wait() }
    }

    /// `strerror(errno)`, read at once.
    static func errorText() -> String { String(cString: strerror(errno)) }
}
