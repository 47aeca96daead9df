public import FoundationEssentials

/// Sends plain-text mail through one SMTP server with libcurl. As with `FetchClient`, each blocking transfer runs on a
/// thread of its own, never on the cooperative pool, and cancelling the awaiting task aborts it.
public struct MailSender: Sendable {
    public let server: MailServer

    public init(server: MailServer) {
        self.server = server
    }

    /// Sends `message` and returns its `Message-ID` once the server has accepted it for every recipient.
    @discardableResult
    public func send(_ message: MailMessage, date: Date = Date()) async throws(MailError) -> String {
        let (bytes, id) = try message.rendered(date: date)
        let flag = CancelFlag()
        let server = server
        let result = await withTaskCancellationHandler {
            await TransferThread.run { () -> Result<Void, MailError> in
                do throws(MailError) {
                    try SMTPTransfer(server: server, from: message.from, to: message.to, payload: bytes, cancel: flag).perform()
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
        } onCancel: {
            flag.cancel()
        }
        try result.get()
        return id
    }

    /// The same on the calling thread, for code that is already on a thread of its own.
    @discardableResult
    public func sendBlocking(_ message: MailMessage, date: Date = Date()) throws(MailError) -> String {
        let (bytes, id) = try message.rendered(date: date)
        try SMTPTransfer(server: server, from: message.from, to: message.to, payload: bytes, cancel: CancelFlag()).perform()
        return id
    }
}
