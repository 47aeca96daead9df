import Core
import Store
import TestSupport
import Testing

/// Migration 9 rebuilds the jobs table so it takes `youtube_download` jobs: the jobs and their item
/// results of a version 8 database survive it, and deleting a job still deletes its items.
struct DownloadJobsMigrationTests {
    @Test func jobsAndTheirItemsSurviveTheRebuild() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("state.db")
        do {
            let old = try Database(path: path, migrations: StateSchema.migrations.filter { $0.version <= 8 })
            try old.execute(
                "INSERT INTO jobs (id, kind, status, parameters, created_at, updated_at) VALUES ('job-old', 'thumbnail', 'completed', '{\"a\":1}', 1, 2)"
            )
            try old.execute("INSERT INTO job_items (job_id, item_key, status, updated_at) VALUES ('job-old', 'item-1', 'completed', 3)")
            #expect(throws: SQLiteError.self) {
                try old.execute("INSERT INTO jobs (id, kind, created_at, updated_at) VALUES ('job-dl', 'youtube_download', 1, 1)")
            }
        }
        let upgraded = try Database(path: path, migrations: StateSchema.migrations)
        #expect(try upgraded.userVersion() == StateSchema.migrations.last?.version)
        let job = try #require(try JobStore(database: upgraded).get("job-old"))
        #expect(job.kind == .thumbnail && job.status == .completed && job.parameters["a"] == 1)
        #expect(try JobStore(database: upgraded).items(of: "job-old").map(\.key) == ["item-1"])
        try JobStore(database: upgraded).create(kind: .youtubeDownload, parameters: ["url": "https://example.com/v"])
        #expect(try JobStore(database: upgraded).list(kind: .youtubeDownload).count == 1)
        #expect(try JobStore(database: upgraded).delete("job-old"))
        #expect(try upgraded.query("SELECT * FROM job_items").isEmpty)
        #expect(try upgraded.query("PRAGMA foreign_key_check").isEmpty)
        #expect(try upgraded.queryOne("PRAGMA integrity_check")?[0].stringValue == "ok")
    }
}
