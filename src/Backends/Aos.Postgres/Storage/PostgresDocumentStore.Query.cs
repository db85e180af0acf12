using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Aos.Storage;

namespace Aos.Postgres.Storage;

internal sealed partial class PostgresDocumentStore
{
    private const int PageSize = 100;

    public async IAsyncEnumerable<StoredDocument> QueryAsync(
        string collection, string? partitionKey = null, IReadOnlyList<FieldCondition>? conditions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateName(collection, "collection");
        if (partitionKey is not null)
        {
            StorageNames.ValidateKey(partitionKey, "partitionKey");
        }

        StorageValues.ValidateConditions(conditions, documents: true);
        (string Pk, string Id) after = (string.Empty, string.Empty);
        while (true)
        {
            // Keyset paging on (pk, id), both COLLATE "C": each page starts after the last document seen.
            var parameters = new List<object?> { store, collection, partitionKey, after.Pk, after.Id };
            var sql = new StringBuilder(
                $"SELECT pk, id, doc::text, etag FROM {_table} WHERE store = $1 AND collection = $2 AND ($3::text IS NULL OR pk = $3) AND (pk, id) > ($4, $5)");
            PostgresConditions.AppendDocument(sql, parameters, conditions);
            sql.Append(CultureInfo.InvariantCulture, $" ORDER BY pk, id LIMIT {PageSize}");
            var page = await database.ExecuteAsync(
                PostgresMigrations.Documents,
                async (connection, token) =>
                {
                    await using var command = connection.Command(sql.ToString(), [.. parameters]);
                    await using var reader = await command.ExecuteReaderAsync(token);
                    var documents = new List<StoredDocument>();
                    while (await reader.ReadAsync(token))
                    {
                        documents.Add(ReadDocument(reader));
                    }

                    return documents;
                },
                cancellationToken);
            foreach (var document in page)
            {
                yield return document;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = (page[^1].PartitionKey, page[^1].Id);
        }
    }
}
