extension StateSchema {
    /// Version 10: movies and series by the rowid of their full-text row. A search ranks rowids (reading
    /// an FTS5 row's `movie_id` column costs a read of the whole stored row, overview included: 30 ms
    /// for 10,000 hits) and joins back through this index, for the page and for a caller's library scope.
    static let searchRowid = """
        CREATE INDEX movies_search_rowid ON movies (search_rowid) WHERE search_rowid IS NOT NULL;
        CREATE INDEX series_search_rowid ON series (search_rowid) WHERE search_rowid IS NOT NULL;
        """
}
