import Previews

/// The cron parser on arbitrary text; an accepted expression computes its next fire without trapping,
/// and a fire time is after the start and matches the expression's own description.
func fuzzCron(_ input: [UInt8]) {
    guard input.count >= 8 else { return }
    // The first 8 bytes are the start time, the rest the expression.
    var raw: UInt64 = 0
    for byte in input[0..<8] { raw = raw << 8 | UInt64(byte) }
    // A clock reading the daemon can have: 1970 to the end of year 9999.
    let start = Int64(raw % 253_402_300_800)
    let text = String(decoding: input[8...], as: UTF8.self)
    guard let cron = try? CronExpression(text) else { return }
    let offset = Int(Int8(truncatingIfNeeded: input[0])) * 900
    if let next = cron.nextFire(after: start, utcOffsetSeconds: offset), next <= start {
        violated("next fire \(next) is not after \(start)", input)
    }
    guard let again = try? CronExpression(cron.description), again == cron else {
        violated("description '\(cron.description)' does not parse to the same expression", input)
    }
}
