import Core
import HTTP

/// Reading 001's error report body (`{errors: [{level, message, error: {message, stack, code,
/// statusCode}, context: {component}, url}], userAgent, url}`): 1–20 errors, `level` one of `levels`,
/// a message required; a wrong type or an unknown level is a 400, a text over its limit is cut (a
/// reporter should not lose the report because a stack trace is long). `context.props` and client
/// timestamps are not kept.
enum ErrorReportInput {
    static let maxErrors = 20
    static let levels = ["debug", "info", "warn", "warning", "error", "fatal"]
    /// The most UTF-8 bytes kept of each text.
    enum Limit {
        static let message = 2000
        static let stack = 8192
        static let url = 2048
        static let userAgent = 512
        static let component = 200
        static let code = 100
    }

    static func reports(_ body: JSON, headerUserAgent: String?) throws(HTTPError) -> [ErrorReport] {
        guard case .object = body else { throw HTTPError.badRequest("Request body must be a JSON object.") }
        guard let errors = body["errors"]?.arrayValue else { throw HTTPError.badRequest("Missing field 'errors' (an array)", detail: "errors") }
        guard (1...maxErrors).contains(errors.count) else {
            throw HTTPError.badRequest("Invalid errors: 1 to \(maxErrors) errors per report", detail: "errors")
        }
        let pageURL = try text(body["url"], "url", Limit.url)
        let userAgent = try text(body["userAgent"], "userAgent", Limit.userAgent) ?? headerUserAgent.map { cut($0, Limit.userAgent) }
        var reports: [ErrorReport] = []
        for (index, entry) in errors.enumerated() {
            let field = "errors[\(index)]"
            guard case .object = entry else { throw HTTPError.badRequest("Invalid \(field): an object", detail: field) }
            let error = try object(entry["error"], "\(field).error")
            let context = try object(entry["context"], "\(field).context")
            let level = try text(entry["level"], "\(field).level", 16) ?? "error"
            guard levels.contains(level) else {
                throw HTTPError.badRequest("Invalid \(field).level: one of \(levels.joined(separator: ", "))", detail: "\(field).level")
            }
            let summary = try text(entry["message"], "\(field).message", Limit.message)
            let detail = try text(error?["message"], "\(field).error.message", Limit.message)
            guard let first = summary ?? detail, !first.isEmpty else {
                throw HTTPError.badRequest("Missing \(field).message", detail: "\(field).message")
            }
            let message = summary.flatMap { summary in detail.map { $0 == summary ? summary : cut("\(summary): \($0)", Limit.message) } } ?? first
            var statusCode: Int?
            if let status = error?["statusCode"], status != .null {
                guard let value = status.intValue, (0...999).contains(value) else {
                    throw HTTPError.badRequest("Invalid \(field).error.statusCode: an integer from 0 to 999", detail: "\(field).error.statusCode")
                }
                statusCode = Int(value)
            }
            let code: String? =
                if let number = error?["code"]?.intValue { String(number) } else { try text(error?["code"], "\(field).error.code", Limit.code) }
            reports.append(
                ErrorReport(
                    level: level, message: message, code: code, statusCode: statusCode,
                    component: try text(context?["component"], "\(field).context.component", Limit.component),
                    url: try text(entry["url"], "\(field).url", Limit.url) ?? pageURL, userAgent: userAgent,
                    stack: try text(error?["stack"], "\(field).error.stack", Limit.stack)))
        }
        return reports
    }

    /// A string member cut to `limit` bytes; absent, null or empty is nil; another type is a 400.
    static func text(_ value: JSON?, _ field: String, _ limit: Int) throws(HTTPError) -> String? {
        guard let value, value != .null else { return nil }
        guard let string = value.stringValue else { throw HTTPError.badRequest("Invalid \(field): a string", detail: field) }
        return string.isEmpty ? nil : cut(string, limit)
    }

    /// An object member; absent or null is nil; another type is a 400.
    static func object(_ value: JSON?, _ field: String) throws(HTTPError) -> JSON? {
        guard let value, value != .null else { return nil }
        guard case .object = value else { throw HTTPError.badRequest("Invalid \(field): an object", detail: field) }
        return value
    }

    /// `text` cut at a character boundary to at most `limit` UTF-8 bytes.
    static func cut(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var bytes = 0
        var end = text.startIndex
        for index in text.indices {
            let next = text.index(after: index)
            bytes += text[index..<next].utf8.count
            if bytes > limit { break }
            end = next
        }
        return String(text[..<end])
    }
}
