using System.Text.Json;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Keeps one document store as rows of <c>documents</c>: collection, partition key, id, the document as <c>jsonb</c>, ETag.</summary>
/// <remarks>
/// <c>jsonb</c> keeps a document's values but not its text: keys come back in PostgreSQL's order, duplicate keys once, and numbers in
/// their shortest exact form. Each write is one statement; conditional writes carry their ETag check in the statement.
/// </remarks>
internal sealed partial class PostgresDocumentStore(PostgresDatabase database, string store, TimeProvider timeProvider) : IDocumentStore
{
    private readonly string _table = $"{database.Schema}.documents";

    public async ValueTask<StoredDocument?> GetAsync(string collection, string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        ValidateAddress(collection, partitionKey, id);
        return await database.ExecuteAsync(
            PostgresMigrations.Documents,
            async (connection, token) =>
            {
                await using var command = connection.Command(
                    $"SELECT pk, id, doc::text, etag FROM {_table} WHERE store = $1 AND collection = $2 AND pk = $3 AND id = $4", store, collection, partitionKey, id);
                await using var reader = await command.ExecuteReaderAsync(token);
                return await reader.ReadAsync(token) ? ReadDocument(reader) : null;
            },
            cancellationToken);
    }

    public async ValueTask<StoredDocument> AddAsync(string collection, string partitionKey, string id, JsonElement document, CancellationToken cancellationToken = default)
    {
        ValidateAddress(collection, partitionKey, id);
        StorageValues.ValidateDocument(document);
        var etag = PostgresValues.NewETag();
        var added = await database.ExecuteAsync(
            PostgresMigrations.Documents,
            async (connection, token) => await connection.ExecuteAsync(
                $"INSERT INTO {_table} (store, collection, pk, id, doc, etag, modified_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) ON CONFLICT DO NOTHING",
                token,
                store,
                collection,
                partitionKey,
                id,
                document.GetRawText(),
                etag,
                PostgresValues.Now(timeProvider)),
            cancellationToken);
        return added == 1
            ? new StoredDocument(partitionKey, id, document.Clone(), etag)
            : throw StorageConflictException.Exists(Describe(collection, partitionKey, id));
    }

    public async ValueTask<StoredDocument> UpsertAsync(
        string collection, string partitionKey, string id, JsonElement document, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ValidateAddress(collection, partitionKey, id);
        StorageValues.ValidateDocument(document);
        var etag = PostgresValues.NewETag();
        var sql = ifMatch is null
            ? $"""
              INSERT INTO {_table} (store, collection, pk, id, doc, etag, modified_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
              ON CONFLICT (store, collection, pk, id) DO UPDATE SET doc = excluded.doc, etag = excluded.etag, modified_at = excluded.modified_at
              """
            : $"UPDATE {_table} SET doc = $5::jsonb, etag = $6, modified_at = $7 WHERE store = $1 AND collection = $2 AND pk = $3 AND id = $4 AND etag = $8";
        object?[] parameters = ifMatch is null
            ? [store, collection, partitionKey, id, document.GetRawText(), etag, PostgresValues.Now(timeProvider)]
            : [store, collection, partitionKey, id, document.GetRawText(), etag, PostgresValues.Now(timeProvider), ifMatch];
        var written = await database.ExecuteAsync(PostgresMigrations.Documents, async (connection, token) => await connection.ExecuteAsync(sql, token, parameters), cancellationToken);
        return written == 1
            ? new StoredDocument(partitionKey, id, document.Clone(), etag)
            : throw StorageConflictException.Changed(Describe(collection, partitionKey, id), ifMatch!);
    }

    public async ValueTask<bool> DeleteAsync(string collection, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ValidateAddress(collection, partitionKey, id);
        var deleted = await database.ExecuteAsync(
            PostgresMigrations.Documents,
            async (connection, token) => await connection.ExecuteAsync(
                $"DELETE FROM {_table} WHERE store = $1 AND collection = $2 AND pk = $3 AND id = $4 AND ($5::text IS NULL OR etag = $5)",
                token,
                store,
                collection,
                partitionKey,
                id,
                ifMatch),
            cancellationToken);
        if (deleted == 0 && ifMatch is not null)
        {
            throw StorageConflictException.Changed(Describe(collection, partitionKey, id), ifMatch);
        }

        return deleted > 0;
    }

    private static void ValidateAddress(string collection, string partitionKey, string id)
    {
        StorageNames.ValidateName(collection, "collection");
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(id, "id");
    }

    private static string Describe(string collection, string partitionKey, string id) => $"document '{collection}'/'{partitionKey}'/'{id}'";

    private static StoredDocument ReadDocument(NpgsqlDataReader reader)
    {
        using var json = JsonDocument.Parse(reader.GetString(2));
        return new StoredDocument(reader.GetString(0), reader.GetString(1), json.RootElement.Clone(), reader.GetString(3));
    }
}
