import Core
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// An OpenAI-compatible API on 127.0.0.1 for the analysis tests: `POST /v1/chat/completions` and
/// `GET /v1/models`, checking the Bearer key. The completion reads the prompt the analysis sends
/// (a JSON document with the scene and the known names) and answers as `behaviour` says: a choice
/// of the names offered (`choice`), prose, invented names, an error status or a slow answer. It counts the requests and reports usage (100 prompt, 20 completion tokens).
final class FakeOpenAI: Sendable {
    static let key = "sk-fake-openai-key-0123456789"

    enum Behaviour: Sendable, Equatable {
        /// A choice of the names offered (`choice`).
        case normal
        /// `normal`, plus names nobody offered (a performer, a tag, a studio).
        case inventing
        /// Prose instead of a JSON object.
        case prose
        /// This status with an OpenAI error body.
        case status(Int)
        /// The truth after this many milliseconds.
        case slow(milliseconds: Int)
    }

    struct State: Sendable {
        var behaviour = Behaviour.normal
        var completions = 0
        /// The user messages received, in order.
        var prompts: [JSON] = []
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    let server: LoopbackHTTPServer
    private let shared: Shared

    init() throws {
        let shared = Shared()
        self.shared = shared
        server = try LoopbackHTTPServer { request in
            let behaviour = shared.state.withLock { $0.behaviour }
            guard request.headers["authorization"] == "Bearer " + Self.key else {
                return Self.json(["error": ["message": "Incorrect API key provided", "type": "invalid_request_error"]], status: 401)
            }
            switch behaviour {
            case .status(let status): return Self.json(["error": ["message": "The server had an error", "type": "server_error"]], status: status)
            case .slow(let milliseconds): usleep(UInt32(milliseconds) * 1000)
            default: break
            }
            if request.method == "GET", request.path == "/v1/models" {
                return Self.json(["object": "list", "data": [["id": "gpt-4o-mini"], ["id": "gpt-4o"], ["id": "local-model"]]])
            }
            guard request.method == "POST", request.path == "/v1/chat/completions",
                let body = try? JSON.parseStrict(request.body), let messages = body["messages"]?.arrayValue,
                let user = messages.last?["content"]?.stringValue, let prompt = try? JSON.parseStrict(Array(user.utf8))
            else { return Self.json(["error": ["message": "bad request"]], status: 400) }
            shared.state.withLock {
                $0.completions += 1
                $0.prompts.append(prompt)
            }
            let content: String
            switch behaviour {
            case .prose: content = "Sure! This scene looks like it features Performer 1 at Studio 2, tagged Tag 3."
            case .inventing: content = String(decoding: Self.choice(prompt, inventing: true).encoded(), as: UTF8.self)
            default: content = String(decoding: Self.choice(prompt, inventing: false).encoded(), as: UTF8.self)
            }
            return Self.json([
                "id": "chatcmpl-1", "object": "chat.completion", "model": body["model"] ?? "gpt-4o-mini",
                "choices": [["index": 0, "message": ["role": "assistant", "content": .string(content)], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120],
            ])
        }
    }

    var url: String { server.baseURL }

    var behaviour: Behaviour {
        get { shared.state.withLock { $0.behaviour } }
        set { shared.state.withLock { $0.behaviour = newValue } }
    }

    var completions: Int { shared.state.withLock { $0.completions } }
    var prompts: [JSON] { shared.state.withLock { $0.prompts } }

    /// The model's answer: the offered names whose words appear in a row in the scene's title (confidence
    /// 0.9), and the first tag offered, which no text names (0.6).
    static func choice(_ prompt: JSON, inventing: Bool) -> JSON {
        let title = words(prompt["scene"]?["title"]?.stringValue ?? "")
        func found(_ kind: String) -> [JSON] {
            (prompt["known"]?[kind]?.arrayValue ?? []).compactMap(\.stringValue).filter { name in
                let wanted = words(name)
                return !wanted.isEmpty && title.count >= wanted.count
                    && (0...(title.count - wanted.count)).contains { Array(title[$0..<$0 + wanted.count]) == wanted }
            }.map { ["name": .string($0), "confidence": 0.9] }
        }
        var performers = found("performers")
        var tags = found("tags")
        if let first = prompt["known"]?["tags"]?.arrayValue?.first, !tags.contains(where: { $0["name"] == first }) {
            tags.append(["name": first, "confidence": 0.6])
        }
        var studio: JSON = found("studios").first ?? .null
        if inventing {
            performers.append(["name": "Nobody Known", "confidence": 0.99])
            tags.append(["name": "Invented Tag", "confidence": 0.95])
            tags.append(["id": "99999", "confidence": 0.95])
            studio = ["name": "Imaginary Studio", "confidence": 0.9]
        }
        return ["performers": .array(performers), "studio": studio, "tags": .array(tags)]
    }

    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    static func json(_ value: JSON, status: Int = 200) -> LoopbackHTTPServer.Response {
        LoopbackHTTPServer.Response(status: status, headers: [("Content-Type", "application/json")], body: value.encoded())
    }
}
