/// Background TMDb refreshes: one item at a route's request, a library's due items after a scan
/// changed it. Each runs once at a time (`MetadataQueue`), at TMDb's pace, and records its outcome
/// in the rows (`metadata_updated_at`, or `metadata_error`).
extension CatalogService {
    /// Queues a refresh of movie `id`.
    public func queueRefresh(movie id: String) {
        metadataRuns.start("movie:\(id)") { [self] in _ = await MetadataRefresher(catalog: self).refreshMovie(id: id) }
    }

    /// Queues a refresh of series `id`.
    public func queueRefresh(series id: String) {
        metadataRuns.start("series:\(id)") { [self] in _ = await MetadataRefresher(catalog: self).refreshSeries(id: id) }
    }

    /// Queues `refreshAll` of library `libraryID` when TMDb is configured (the scanner's hook).
    public func queueRefresh(library libraryID: String) {
        guard tmdb.isConfigured else { return }
        metadataRuns.start("library:\(libraryID)") { [self] in _ = await MetadataRefresher(catalog: self).refreshAll(libraryID: libraryID) }
    }
}
