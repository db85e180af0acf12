using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>A document store of the embedded backend: a row per document in <c>storage_documents</c>, queried with SQLite's JSON functions.</summary>
internal sealed class SqliteDocumentStore(SqliteStorageProvider provider, string store) : IDocumentStore
{
    private const string Columns = "pk, id, doc, etag";
    private const string UpsertSql =
        "INSERT INTO storage_documents (store, collection, pk, id, doc, etag, modified) VALUES ($s, $c, $p, $id, $d, $e, $t) " +
        "ON CONFLICT (store, collection, pk, id) DO UPDATE SET doc = $d, etag = $e, modified = $t;";

    public async ValueTask<StoredDocument?> GetAsync(string collection, string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        Validate(collection, partitionKey, id);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await provider.Database.ReadAsync(
            connection =>
            {
                var command = SqliteStorageProvider.Prepared(
                    connection, $"SELECT {Columns} FROM storage_documents WHERE store = $s AND collection = $c AND pk = $p AND id = $id;",
                    ("$s", store), ("$c", collection), ("$p", partitionKey), ("$id", id));
                using var reader = command.ExecuteReader();
                return reader.Read() ? Document(reader) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<StoredDocument> AddAsync(string collection, string partitionKey, string id, JsonElement document, CancellationToken cancellationToken = default) =>
        WriteAsync(collection, partitionKey, id, document, mustNotExist: true, ifMatch: null, cancellationToken);

    public ValueTask<StoredDocument> UpsertAsync(string collection, string partitionKey, string id, JsonElement document, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        WriteAsync(collection, partitionKey, id, document, mustNotExist: false, ifMatch, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string collection, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        Validate(collection, partitionKey, id);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await provider.Database.WriteAsync(
            connection =>
            {
                if (ifMatch is not null && CurrentETag(connection, collection, partitionKey, id) != ifMatch)
                {
                    throw StorageConflictException.Changed($"document '{collection}/{partitionKey}/{id}'", ifMatch);
                }

                var delete = SqliteStorageProvider.Prepared(
                    connection, "DELETE FROM storage_documents WHERE store = $s AND collection = $c AND pk = $p AND id = $id;",
                    ("$s", store), ("$c", collection), ("$p", partitionKey), ("$id", id));
                return delete.ExecuteNonQuery() == 1;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<StoredDocument> QueryAsync(string collection, string? partitionKey = null, IReadOnlyList<FieldCondition>? conditions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateName(collection, "collection");
        if (partitionKey is not null)
        {
            StorageNames.ValidateKey(partitionKey, "partitionKey");
        }

        StorageValues.ValidateConditions(conditions, documents: true);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        (string Pk, string Id)? after = null;
        while (true)
        {
            var page = await provider.Database.ReadAsync(
                connection =>
                {
                    using var command = connection.CreateCommand();
                    var sql = new StringBuilder($"SELECT {Columns} FROM storage_documents WHERE store = $s AND collection = $c");
                    command.Parameters.AddWithValue("$s", store);
                    command.Parameters.AddWithValue("$c", collection);
                    if (partitionKey is not null)
                    {
                        sql.Append(" AND pk = $p");
                        command.Parameters.AddWithValue("$p", partitionKey);
                    }

                    if (after is { } cursor)
                    {
                        sql.Append(" AND (pk, id) > ($ap, $ai)");
                        command.Parameters.AddWithValue("$ap", cursor.Pk);
                        command.Parameters.AddWithValue("$ai", cursor.Id);
                    }

                    SqliteConditions.AppendDocument(sql, command, conditions ?? []);
                    command.CommandText = sql.Append(CultureInfo.InvariantCulture, $" ORDER BY pk, id LIMIT {SqliteStorageProvider.PageSize};").ToString();
                    using var reader = command.ExecuteReader();
                    var documents = new List<StoredDocument>();
                    while (reader.Read())
                    {
                        documents.Add(Document(reader));
                    }

                    return documents;
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var document in page)
            {
                yield return document;
            }

            if (page.Count < SqliteStorageProvider.PageSize)
            {
                yield break;
            }

            after = (page[^1].PartitionKey, page[^1].Id);
        }
    }

    private async ValueTask<StoredDocument> WriteAsync(string collection, string partitionKey, string id, JsonElement document, bool mustNotExist, string? ifMatch, CancellationToken cancellationToken)
    {
        Validate(collection, partitionKey, id);
        StorageValues.ValidateDocument(document);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var json = document.GetRawText();
        var etag = SqliteStorageProvider.NewETag();
        var now = provider.Now();
        await provider.Database.WriteReplayableAsync(
            connection =>
            {
                // An unconditional upsert needs no read first.
                var current = mustNotExist || ifMatch is not null ? CurrentETag(connection, collection, partitionKey, id) : null;
                var what = $"document '{collection}/{partitionKey}/{id}'";
                if (mustNotExist && current is not null)
                {
                    throw StorageConflictException.Exists(what);
                }

                if (ifMatch is not null && current != ifMatch)
                {
                    throw StorageConflictException.Changed(what, ifMatch);
                }

                return SqliteStatement.Get(connection, UpsertSql, "$s", "$c", "$p", "$id", "$d", "$e", "$t")
                    .Bind(0, store).Bind(1, collection).Bind(2, partitionKey).Bind(3, id).Bind(4, json).Bind(5, etag).Bind(6, now)
                    .Execute();
            },
            cancellationToken).ConfigureAwait(false);
        return new StoredDocument(partitionKey, id, document.Clone(), etag);
    }

    private string? CurrentETag(SqliteConnection connection, string collection, string partitionKey, string id)
    {
        var select = SqliteStorageProvider.Prepared(
            connection, "SELECT etag FROM storage_documents WHERE store = $s AND collection = $c AND pk = $p AND id = $id;",
            ("$s", store), ("$c", collection), ("$p", partitionKey), ("$id", id));
        return select.ExecuteScalar() as string;
    }

    private static void Validate(string collection, string partitionKey, string id)
    {
        StorageNames.ValidateName(collection, "collection");
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(id, "id");
    }

    private static StoredDocument Document(SqliteDataReader reader)
    {
        using var json = JsonDocument.Parse(reader.GetString(2));
        return new StoredDocument(reader.GetString(0), reader.GetString(1), json.RootElement.Clone(), reader.GetString(3));
    }
}
