namespace Aos.Storage.Sqlite;

public sealed partial class SqliteStorageProvider
{
    /// <summary>Gets how many rows one write of a store's deletion removes, so that a large store does not hold the writer up for long.</summary>
    internal const int DeletionBatch = 1000;

    /// <inheritdoc />
    /// <remarks>
    /// Rows go in writes of <see cref="DeletionBatch"/>, each committed on its own, so other writes interleave with a large deletion; a
    /// deletion cut short leaves a smaller store, which deleting it again finishes. Blob files are deleted once their rows are.
    /// </remarks>
    public async ValueTask DeleteStoreAsync(StoreKind kind, string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateName(name, "store name");
        var statement = kind switch
        {
            StoreKind.Blob => "DELETE FROM storage_blobs WHERE store = $s AND name IN (SELECT name FROM storage_blobs WHERE store = $s ORDER BY name LIMIT $n) RETURNING file;",
            StoreKind.Table => "DELETE FROM storage_entities WHERE store = $s AND (pk, rk) IN (SELECT pk, rk FROM storage_entities WHERE store = $s ORDER BY pk, rk LIMIT $n);",
            StoreKind.Queue => "DELETE FROM storage_queue WHERE seq IN (SELECT seq FROM storage_queue WHERE store = $s LIMIT $n);",
            StoreKind.Document => "DELETE FROM storage_documents WHERE store = $s AND (collection, pk, id) IN (SELECT collection, pk, id FROM storage_documents WHERE store = $s ORDER BY collection, pk, id LIMIT $n);",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Name a blob, table, queue or document store."),
        };
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var (removed, files) = await Database.WriteAsync(
                connection =>
                {
                    using var command = Command(connection, statement, ("$s", name), ("$n", DeletionBatch));
                    if (kind != StoreKind.Blob)
                    {
                        return (command.ExecuteNonQuery(), (List<string>?)null);
                    }

                    var deleted = new List<string>();
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        deleted.Add(reader.GetString(0));
                    }

                    return (deleted.Count, deleted);
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var file in files ?? [])
            {
                DeleteFile(file);
            }

            if (removed < DeletionBatch)
            {
                return;
            }
        }
    }
}
