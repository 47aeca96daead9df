import Testing

@testable import QRCode

struct QRCodeTests {
    /// What an SVG draws: the viewBox's side and the dark modules of its one path (runs `M x y h n v 1 h -n z`).
    static func drawing(_ svg: String) throws -> (size: Int, dark: Set<[Int]>) {
        let afterViewBox = try #require(svg.firstRange(of: "viewBox=\"0 0 ").map { svg[$0.upperBound...] })
        let size = try #require(Int(afterViewBox.prefix { $0 != " " }))
        #expect(afterViewBox.dropFirst(String(size).count).hasPrefix(" \(size)\""), "square viewBox")
        let data = try #require(svg.firstRange(of: " d=\"").map { svg[$0.upperBound...].prefix { $0 != "\"" } })
        var dark = Set<[Int]>()
        for run in data.split(separator: "z") {
            let numbers = run.dropFirst().split(whereSeparator: { "hv ".contains($0) }).map { Int($0) }
            #expect(run.first == "M" && numbers.count == 5, "run \(run)")
            guard numbers.count == 5, let x = numbers[0], let y = numbers[1], let n = numbers[2] else { continue }
            #expect(numbers[3] == 1 && numbers[4] == -n && n > 0, "run \(run)")
            for column in x..<x + n { dark.insert([column, y]) }
        }
        return (size, dark)
    }

    @Test func aShortTextIsAVersion1SymbolWithItsQuietZone() throws {
        let svg = try QRCode.svg(for: "HELLO")
        let (size, dark) = try Self.drawing(svg)
        #expect(size == 21 + 2 * 4)
        let (width, modules) = try QRCode.modules(for: "HELLO")
        #expect(width == 21)
        #expect(dark == Set((0..<width * width).filter { modules[$0] }.map { [$0 % width + 4, $0 / width + 4] }))
        // Nothing in the quiet zone; the top-left finder pattern: a dark 7×7 ring, a light ring, a dark 3×3 centre.
        #expect(dark.allSatisfy { $0.allSatisfy { (4..<25).contains($0) } })
        for y in 0..<7 {
            for x in 0..<7 {
                let ring = max(abs(x - 3), abs(y - 3))
                #expect(dark.contains([x + 4, y + 4]) == (ring != 2), "finder module \(x),\(y)")
            }
        }
    }

    @Test func theSVGIsOneSelfContainedDocument() throws {
        let svg = try QRCode.svg(for: "otpauth://totp/applianced:alice?secret=JBSWY3DPEHPK3PXP&issuer=applianced")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" "))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.split(separator: "<path").count == 2)
        #expect(svg.split(separator: "<").count == svg.split(separator: ">").count)
        #expect(!svg.contains("href") && !svg.contains("<script") && !svg.contains("url("))
        // Every element but the root closes itself: <svg …><rect …/><path …/></svg>.
        let tags = svg.split(separator: "<").map { $0.prefix { $0 != " " && $0 != ">" } }
        #expect(tags == ["svg", "rect", "path", "/svg"])
    }

    @Test func anOtpauthURIEncodes() throws {
        // 87 bytes at level M: more than version 5 holds in 8-bit mode (84), so version 6, 41 modules a side.
        let uri = "otpauth://totp/applianced:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=applianced"
        let (width, modules) = try QRCode.modules(for: uri)
        #expect(uri.utf8.count == 87)
        #expect(width == 41)
        let (size, dark) = try Self.drawing(try QRCode.svg(for: uri))
        #expect(size == width + 8 && dark.count == modules.filter { $0 }.count)
    }

    @Test func differentTextsGiveDifferentSymbols() throws {
        #expect(try QRCode.svg(for: "secret=AAAA") != QRCode.svg(for: "secret=aaaa"))
    }

    @Test func textTooLongForAnySymbolIsRefused() {
        let error = #expect(throws: QRCodeError.self) { try QRCode.svg(for: String(repeating: "x", count: 2332)) }
        #expect(error?.kind == .tooLong && error?.call == "QRcode_encodeString")
        #expect(throws: Never.self) { try QRCode.svg(for: String(repeating: "x", count: 2331)) }
    }

    @Test(arguments: ["", "a\u{0}b"])
    func emptyTextOrANULIsRefused(_ text: String) {
        let error = #expect(throws: QRCodeError.self) { try QRCode.svg(for: text) }
        #expect(error?.kind == .invalidInput)
    }
}
