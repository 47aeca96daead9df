import Core
import HTTP
@testable import Plex
import Testing
import Webhooks

/// Payload parsing without a server: file paths from `path` or `relativePath` under the folder,
/// event keys that tell deliveries apart, and the part a file lookup picks.
struct PayloadTests {
    @Test func downloadPathComesFromRelativePathUnderTheFolder() throws {
        let event = try WebhookPayload.arr(
            .sonarr,
            body: [
                "eventType": "Download", "series": ["id": 3, "title": "Show", "path": "/tv/Show"],
                "episodeFile": ["id": 9, "relativePath": "Season 01/Show - S01E02.mkv"],
            ])
        #expect(event.files == ["/tv/Show/Season 01/Show - S01E02.mkv"])
        #expect(event.action == .importFiles)
        #expect(event.title == "Show")
    }

    @Test func eventKeysDifferByIdentifyingFieldsOnly() throws {
        let a = try WebhookPayload.arr(.radarr, body: ["eventType": "Grab", "downloadId": "x", "instanceName": "one"])
        let b = try WebhookPayload.arr(.radarr, body: ["eventType": "Grab", "downloadId": "x", "instanceName": "two"])
        let c = try WebhookPayload.arr(.radarr, body: ["eventType": "Grab", "downloadId": "y"])
        let sonarr = try WebhookPayload.arr(.sonarr, body: ["eventType": "Grab", "downloadId": "x"])
        #expect(a.key == b.key)
        #expect(a.key != c.key)
        #expect(a.key != sonarr.key)
        #expect(a.key.count == 64)
    }

    @Test func deleteEventsScanTheirFolders() throws {
        let event = try WebhookPayload.arr(.radarr, body: ["eventType": "MovieDelete", "movie": ["id": 1, "folderPath": "/movies/Up (2009)"]])
        #expect(event.action == .catalogScan)
        #expect(event.folders == ["/movies/Up (2009)"])
    }

    @Test func overlongFieldsAreRefused() {
        let long = String(repeating: "a", count: 5000)
        #expect(throws: HTTPError.self) {
            try WebhookPayload.arr(.radarr, body: ["eventType": "Download", "movieFile": ["path": .string(long)]])
        }
    }

    @Test func lookupPrefersTheLongestCommonTail() {
        func item(_ key: String, _ file: String) -> PlexItem {
            PlexItem(
                ratingKey: key, type: "movie", title: key, grandparentTitle: nil, parentIndex: nil, index: nil, year: nil,
                parts: [PlexMediaPart(id: key, hash: key, file: file, size: nil, duration: nil)])
        }
        let items = [item("1", "/other/Extras/Up.mkv"), item("2", "/plex/Movies/Up (2009)/Up.mkv")]
        #expect(PlexPartMatch.best(for: "/media/Movies/Up (2009)/Up.mkv", in: items)?.0.ratingKey == "2")
        #expect(PlexPartMatch.best(for: "/media/Movies/Down.mkv", in: items) == nil)
    }
}
