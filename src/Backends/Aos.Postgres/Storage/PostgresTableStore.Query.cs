using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Aos.Storage;

namespace Aos.Postgres.Storage;

internal sealed partial class PostgresTableStore
{
    private const int PageSize = 100;

    public async IAsyncEnumerable<TableEntity> QueryAsync(string partitionKey, IReadOnlyList<FieldCondition>? conditions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageValues.ValidateConditions(conditions, documents: false);
        var after = string.Empty;
        while (true)
        {
            // Keyset paging: each page starts after the last row key seen, so rows written meanwhile neither repeat nor shift the pages.
            var parameters = new List<object?> { store, partitionKey, after };
            var sql = new StringBuilder($"SELECT rk, props::text, etag, modified_at FROM {_table} WHERE store = $1 AND pk = $2 AND rk > $3");
            PostgresConditions.AppendTable(sql, parameters, conditions);
            sql.Append(CultureInfo.InvariantCulture, $" ORDER BY rk LIMIT {PageSize}");
            var page = await database.ExecuteAsync(
                PostgresMigrations.Tables,
                async (connection, token) =>
                {
                    await using var command = connection.Command(sql.ToString(), [.. parameters]);
                    await using var reader = await command.ExecuteReaderAsync(token);
                    var entities = new List<TableEntity>();
                    while (await reader.ReadAsync(token))
                    {
                        entities.Add(ReadEntity(reader, partitionKey));
                    }

                    return entities;
                },
                cancellationToken);
            foreach (var entity in page)
            {
                yield return entity;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].RowKey;
        }
    }
}
