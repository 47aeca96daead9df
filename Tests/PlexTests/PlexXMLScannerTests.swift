import Plex
import Testing

struct PlexXMLScannerTests {
    @Test func readsAttributesOfTheNamedElementsOnly() throws {
        let xml = """
            <?xml version="1.0"?><MediaContainer size="2"><!-- <MediaPart hash="comment"/> -->
            <MediaPart id="1" file='/a/b &amp; c.mkv' hash="abc" duration = "10"><MediaPartX hash="no"/></MediaPart>
            <MediaPart
              id="2" file="/x/&#233;&#x41;&quot;.mp4"/></MediaContainer>
            """
        let parts = try PlexXMLScanner.elements(named: "MediaPart", in: Array(xml.utf8))
        #expect(parts == [["id": "1", "file": "/a/b & c.mkv", "hash": "abc", "duration": "10"], ["id": "2", "file": "/x/éA\".mp4"]])
    }

    @Test(arguments: [
        "<MediaPart file=\"/a", "<MediaPart file=/a>", "<MediaPart file>", "<MediaPart file=\"a\"", "<!-- never closed",
    ])
    func malformedDocumentsAreErrors(_ xml: String) {
        #expect(throws: PlexXMLScanner.ScanError.self) { try PlexXMLScanner.elements(named: "MediaPart", in: Array(xml.utf8)) }
    }

    @Test func theElementCountIsBounded() {
        let xml = String(repeating: "<MediaPart id=\"1\"/>", count: 11)
        #expect(throws: PlexXMLScanner.ScanError.self) {
            try PlexXMLScanner.elements(named: "MediaPart", in: Array(xml.utf8), limit: 10)
        }
    }
}
