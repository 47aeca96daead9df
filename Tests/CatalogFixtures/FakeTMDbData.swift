import TestSupport

/// The fake TMDb's answers, shaped as TMDb's v3 spec has them (trimmed to what matters, plus a few
/// fields the catalog ignores, so decoding must skip them).
enum FakeTMDbData {
    /// The body for `path` (after `/3`), or nil for TMDb's 404.
    static func body(_ path: String, query: [String: String]) -> String? {
        switch path {
        case "/search/movie": movieSearch(query["query"] ?? "", year: query["year"])
        case "/search/tv": showSearch(query["query"] ?? "")
        case "/movie/603": matrix
        case "/tv/1396": breakingBad
        case "/tv/1396/season/1": seasonOne
        case "/tv/1396/season/1/episode/1": pilot
        case "/collection/2344": collection
        default: nil
        }
    }

    static func page(_ results: [String]) -> String {
        #"{"page":1,"results":[\#(results.joined(separator: ","))],"total_pages":1,"total_results":\#(results.count)}"#
    }

    static let matrixResult = #"""
        {"adult":false,"backdrop_path":"/fNG7i7RqMErkcqhohV2a6cV1Ehy.jpg","genre_ids":[28,878],"id":603,"original_language":"en",
         "original_title":"The Matrix","overview":"Set in the 22nd century, The Matrix tells the story of a computer hacker.",
         "popularity":72.5,"poster_path":"/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg","release_date":"1999-03-31","title":"The Matrix",
         "video":false,"vote_average":8.2,"vote_count":24000}
        """#
    static let matrixRemakeResult = #"""
        {"id":999001,"title":"The Matrix","original_title":"The Matrix","overview":"","release_date":"2031-01-01",
         "poster_path":null,"backdrop_path":null,"vote_average":0,"vote_count":0,"popularity":1.0}
        """#
    static let unrelatedResult = #"""
        {"id":999002,"title":"Matrix of Leadership","original_title":"Matrix of Leadership","overview":null,"release_date":"",
         "poster_path":null,"vote_average":5.5,"vote_count":3,"popularity":0.4}
        """#

    static func movieSearch(_ text: String, year: String?) -> String {
        switch text.lowercased() {
        case "the matrix" where year == nil || year == "1999": page([matrixResult, matrixRemakeResult])
        case "the matrix": page([])
        case "matrix": page([unrelatedResult, matrixResult])
        default: page([])
        }
    }

    static func showSearch(_ text: String) -> String {
        text.lowercased() == "breaking bad"
            ? page([
                #"""
                {"id":1396,"name":"Breaking Bad","original_name":"Breaking Bad","first_air_date":"2008-01-20","overview":"A chemistry teacher.",
                 "poster_path":"/ggFHVNu6YYI5L9pCfOacjizRGt.jpg","backdrop_path":null,"vote_average":8.9,"vote_count":13000,
                 "popularity":400.1,"origin_country":["US"],"genre_ids":[18]}
                """#
            ]) : page([])
    }

    static let matrix = #"""
        {"adult":false,"backdrop_path":"/fNG7i7RqMErkcqhohV2a6cV1Ehy.jpg",
         "belongs_to_collection":{"id":2344,"name":"The Matrix Collection","poster_path":"/lh4aGpd3U9rm9B8Oqr6CUgQLtZL.jpg","backdrop_path":"/bRm2DEgUiYciDw3myHuYFInD7la.jpg"},
         "budget":63000000,"genres":[{"id":28,"name":"Action"},{"id":878,"name":"Science Fiction"}],"homepage":"http://www.warnerbros.com/matrix",
         "id":603,"imdb_id":"tt0133093","original_language":"en","original_title":"The Matrix",
         "overview":"Set in the 22nd century, The Matrix tells the story of a computer hacker who joins a group of underground insurgents.",
         "popularity":72.5,"poster_path":"/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg","production_companies":[{"id":79,"name":"Village Roadshow Pictures"}],
         "release_date":"1999-03-31","revenue":463517383,"runtime":136,"spoken_languages":[{"iso_639_1":"en","name":"English"}],
         "status":"Released","tagline":"Welcome to the Real World.","title":"The Matrix","video":false,"vote_average":8.2,"vote_count":24000,
         "credits":{"cast":[
            {"adult":false,"gender":2,"id":2975,"known_for_department":"Acting","name":"Laurence Fishburne","character":"Morpheus","credit_id":"52fe425bc3a36847f80181c1","order":1,"profile_path":"/8suOhUmPbfKqDQ17jQ1Gy0mI3P4.jpg"},
            {"adult":false,"gender":2,"id":6384,"known_for_department":"Acting","name":"Keanu Reeves","character":"Thomas A. Anderson / Neo","credit_id":"52fe425bc3a36847f80181bd","order":0,"profile_path":"/4D0PpNI0kmP58hgrwGC3wCjxhnm.jpg"}],
          "crew":[
            {"id":9340,"name":"Lana Wachowski","department":"Directing","job":"Director","profile_path":null},
            {"id":9340,"name":"Lana Wachowski","department":"Writing","job":"Writer","profile_path":null},
            {"id":1091,"name":"Don Davis","department":"Sound","job":"Original Music Composer","profile_path":null},
            {"id":7777,"name":"Some Grip","department":"Crew","job":"Best Boy Grip","profile_path":null}]},
         "external_ids":{"imdb_id":"tt0133093","wikidata_id":"Q83495","facebook_id":"TheMatrixMovie"},
         "videos":{"results":[
            {"iso_639_1":"en","name":"Teaser","key":"teaser0000","site":"YouTube","type":"Teaser","official":true},
            {"iso_639_1":"en","name":"Fan cut","key":"fancut0000","site":"YouTube","type":"Trailer","official":false},
            {"iso_639_1":"en","name":"Official Trailer","key":"vKQi3bBA1y8","site":"YouTube","type":"Trailer","official":true}]}}
        """#

    static let breakingBad = #"""
        {"backdrop_path":"/tsRy63Mu5cu8etL1X7ZLyf7UP1M.jpg","created_by":[{"id":66633,"name":"Vince Gilligan","profile_path":"/uFh3OrBvkwKSU3N5y0XnXOhqBJz.jpg"}],
         "episode_run_time":[45,47],"first_air_date":"2008-01-20","genres":[{"id":18,"name":"Drama"},{"id":80,"name":"Crime"}],
         "homepage":"https://www.sonypictures.com/tv/breakingbad","id":1396,"in_production":false,"languages":["en"],
         "last_air_date":"2013-09-29","name":"Breaking Bad","networks":[{"id":174,"logo_path":"/alqLicR1ZMHMaZGP3xRQxn9sq7p.png","name":"AMC","origin_country":"US"}],
         "number_of_episodes":62,"number_of_seasons":5,"origin_country":["US"],"original_language":"en","original_name":"Breaking Bad",
         "overview":"Walter White, a New Mexico chemistry teacher, is diagnosed with Stage III cancer.","popularity":400.1,
         "poster_path":"/ggFHVNu6YYI5L9pCfOacjizRGt.jpg",
         "seasons":[{"air_date":"2009-02-17","episode_count":9,"id":3577,"name":"Specials","overview":"","poster_path":null,"season_number":0,"vote_average":0},
                    {"air_date":"2008-01-20","episode_count":3,"id":3572,"name":"Season 1","overview":"High school chemistry teacher Walter White.","poster_path":"/1BP4xYv9ZG4ZVHkL7ocOziBbSYH.jpg","season_number":1,"vote_average":8.3}],
         "status":"Ended","tagline":"Remember my name","type":"Scripted","vote_average":8.9,"vote_count":13000,
         "credits":{"cast":[{"id":17419,"name":"Bryan Cranston","character":"Walter White","order":0,"profile_path":null},
                            {"id":84497,"name":"Aaron Paul","character":"Jesse Pinkman","order":1,"profile_path":null}],"crew":[]},
         "external_ids":{"imdb_id":"tt0903747","tvdb_id":81189,"freebase_mid":"/m/03d34x8"},
         "videos":{"results":[]}}
        """#

    static let seasonOne = #"""
        {"_id":"5256c89f19c2956ff6046d47","air_date":"2008-01-20","id":3572,"name":"Season 1","overview":"High school chemistry teacher Walter White.",
         "poster_path":"/1BP4xYv9ZG4ZVHkL7ocOziBbSYH.jpg","season_number":1,"vote_average":8.3,
         "episodes":[
            {"air_date":"2008-01-20","episode_number":1,"id":62085,"name":"Pilot","overview":"Walter White learns he has cancer.","production_code":"","runtime":59,"season_number":1,"show_id":1396,"still_path":"/ydlY3iPfeOAvu8gVqrxPoMvzNCn.jpg","vote_average":8.0,"vote_count":200,"crew":[],"guest_stars":[]},
            {"air_date":"2008-01-27","episode_number":2,"id":62086,"name":"Cat's in the Bag...","overview":"Walt and Jesse dispose of bodies.","runtime":49,"season_number":1,"still_path":null,"vote_average":7.7,"vote_count":150},
            {"air_date":"2030-02-10","episode_number":3,"id":62087,"name":"...And the Bag's in the River","overview":"","runtime":null,"season_number":1,"still_path":null,"vote_average":0,"vote_count":0}]}
        """#

    static let pilot = #"""
        {"air_date":"2008-01-20","crew":[{"id":66633,"name":"Vince Gilligan","department":"Directing","job":"Director","profile_path":null}],
         "episode_number":1,"guest_stars":[{"id":92495,"name":"John Koyama","character":"Emilio Koyama","order":500,"profile_path":null}],
         "name":"Pilot","overview":"Walter White learns he has cancer.","id":62085,"production_code":"","runtime":59,"season_number":1,
         "still_path":"/ydlY3iPfeOAvu8gVqrxPoMvzNCn.jpg","vote_average":8.0,"vote_count":200}
        """#

    static let collection = #"""
        {"id":2344,"name":"The Matrix Collection","overview":"The Matrix collection.","poster_path":"/lh4aGpd3U9rm9B8Oqr6CUgQLtZL.jpg",
         "backdrop_path":"/bRm2DEgUiYciDw3myHuYFInD7la.jpg","parts":[\#(matrixResult)]}
        """#
}

/// The fake image server: `/t/p/<size>/<file>`.
enum FakeTMDbImages {
    /// A 1×1 PNG.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63,
        0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60,
        0x82,
    ]

    /// `big*` files are 64 KiB (over a small `imageMaxBytes`), `page*` answer HTML, `missing*` 404;
    /// everything else is the PNG, 1,000 bytes for `kb*` names (for eviction budgets).
    static func answer(_ path: String) -> LoopbackHTTPServer.Response {
        let file = path.split(separator: "/").last.map(String.init) ?? ""
        if file.hasPrefix("missing") { return .text(404, "no") }
        if file.hasPrefix("page") {
            return LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html></html>".utf8))
        }
        var body = png
        if file.hasPrefix("big") { body += [UInt8](repeating: 0, count: 64 << 10) }
        if file.hasPrefix("kb") { body += [UInt8](repeating: 0, count: 1000 - png.count) }
        return LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", file.hasSuffix(".jpg") ? "image/jpeg" : "image/png")], body: body)
    }
}
