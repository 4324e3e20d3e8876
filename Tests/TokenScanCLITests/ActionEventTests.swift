import Foundation
import XCTest

/// `action/event.py`: what the action takes from GitHub's event payload. A pull request from a
/// fork (also one whose fork was deleted) cannot upload SARIF; `pull_request_target` runs with
/// the base repository's token and can. Values that are not commit ids, or that would break a
/// line of the `key=value` output, stop the action instead of reaching a shell.
final class ActionEventTests: XCTestCase {
    let base = String(repeating: "a", count: 40), head = String(repeating: "b", count: 40)

    func event(_ name: String, _ payload: [String: Any]) throws -> ActionRepository.Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokenscan-event-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("event.json")
        try JSONSerialization.data(withJSONObject: payload).write(to: file)
        return try ActionRepository.run(["python3", ActionRepository.script("event.py")], in: directory,
                                        environment: ["GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": file.path])
    }

    func pull(from repository: Any) -> [String: Any] {
        ["pull_request": ["number": 3, "base": ["sha": base], "head": ["sha": head, "repo": repository]],
         "repository": ["full_name": "acme/service"]]
    }

    func testForksArePullRequestsFromAnotherRepository() throws {
        let own = try event("pull_request", pull(from: ["full_name": "acme/service"]))
        XCTAssertEqual(own.status, 0, own.stderr)
        XCTAssertEqual(own.stdout, "event=pull_request\nbase=\(base)\nhead=\(head)\nnumber=3\nfork=false\n")
        XCTAssertTrue(try event("pull_request", pull(from: ["full_name": "someone/service"])).stdout.contains("fork=true\n"))
        XCTAssertTrue(try event("pull_request", pull(from: NSNull())).stdout.contains("fork=true\n"), "a deleted fork")
        XCTAssertTrue(try event("pull_request_target", pull(from: ["full_name": "someone/service"])).stdout.contains("fork=false\n"))
    }

    func testPushValuesAndRefusedOnes() throws {
        let push = try event("push", ["before": base, "after": head, "ref": "refs/heads/main"])
        XCTAssertEqual(push.stdout, "event=push\nbefore=\(base)\nafter=\(head)\nref=refs/heads/main\nfork=false\n")
        let notACommit = try event("push", ["before": "$(touch pwned)", "after": head, "ref": "refs/heads/main"])
        XCTAssertEqual(notACommit.status, 2)
        XCTAssertTrue(notACommit.stderr.contains("the event's before is not a commit id"), notACommit.stderr)
        let twoLines = try event("push", ["before": base, "after": head, "ref": "refs/heads/x\nfork=true"])
        XCTAssertEqual(twoLines.status, 2)
        XCTAssertEqual(twoLines.stdout, "")
    }
}
