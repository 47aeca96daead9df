import Stash
import Testing

/// Stash's RFC 3339 times as Unix milliseconds and back.
@Suite struct StashTimeTests {
    @Test func parsesWhatStashWrites() {
        #expect(StashTime.milliseconds("1970-01-01T00:00:00Z") == 0)
        #expect(StashTime.milliseconds("2024-01-01T00:00:00Z") == 1_704_067_200_000)
        #expect(StashTime.milliseconds("2024-01-01T01:00:00+01:00") == 1_704_067_200_000)
        #expect(StashTime.milliseconds("2023-12-31T19:30:00-04:30") == 1_704_067_200_000)
        #expect(StashTime.milliseconds("2024-01-01T00:00:00.25Z") == 1_704_067_200_250)
        #expect(StashTime.milliseconds("2024-02-29T12:00:00") == 1_709_208_000_000)
        for bad in [
            "", "2024-01-01", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z", "2024-01-01T00:00:00+0100", "yesterday", "2024-01-01T00:00:00Zjunk",
        ] {
            #expect(StashTime.milliseconds(bad) == nil, "\(bad)")
        }
    }

    @Test func writesUTC() {
        #expect(StashTime.text(milliseconds: 0) == "1970-01-01T00:00:00Z")
        #expect(StashTime.text(milliseconds: 1_709_208_000_999) == "2024-02-29T12:00:00Z")
        #expect(StashTime.text(milliseconds: -1000) == "1969-12-31T23:59:59Z")
    }
}
