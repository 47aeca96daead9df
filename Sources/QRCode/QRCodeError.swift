/// Text that could not become a QR code: what is wrong, the failing libqrencode call and its `errno`.
public struct QRCodeError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// More than the largest symbol (version 40, level M: 2331 bytes) holds.
        case tooLong
        /// Empty text, or text with a NUL byte (libqrencode reads a C string).
        case invalidInput
        /// libqrencode failed otherwise (out of memory).
        case failed
    }

    public let kind: Kind
    /// `QRcode_encodeString`, or empty when the text was refused before the call.
    public let call: String
    /// The call's `errno`, 0 when there was no call.
    public let code: Int32
    public let message: String

    public var description: String { call.isEmpty ? message : "\(call): \(message)" }
}
