using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>A table store of the embedded backend: a row per entity in <c>storage_entities</c>, its properties as <see cref="TableEntityJson"/>.</summary>
internal sealed class SqliteTableStore(SqliteStorageProvider provider, string store) : ITableStore
{
    public async ValueTask<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(rowKey, "rowKey");
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await provider.Database.ReadAsync(
            connection =>
            {
                var command = SqliteStorageProvider.Prepared(
                    connection, "SELECT pk, rk, props, etag, modified FROM storage_entities WHERE store = $s AND pk = $p AND rk = $r;", ("$s", store), ("$p", partitionKey), ("$r", rowKey));
                using var reader = command.ExecuteReader();
                return reader.Read() ? Entity(reader) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<TableEntity> AddAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteAsync(entity, mustNotExist: true, cancellationToken);

    public ValueTask<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteAsync(entity, mustNotExist: false, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(rowKey, "rowKey");
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await provider.Database.WriteAsync(
            connection =>
            {
                var current = CurrentETag(connection, partitionKey, rowKey);
                if (ifMatch is not null && current != ifMatch)
                {
                    throw StorageConflictException.Changed($"entity '{partitionKey}'/'{rowKey}'", ifMatch);
                }

                var delete = SqliteStorageProvider.Prepared(
                    connection, "DELETE FROM storage_entities WHERE store = $s AND pk = $p AND rk = $r;", ("$s", store), ("$p", partitionKey), ("$r", rowKey));
                return delete.ExecuteNonQuery() == 1;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<TableEntity> QueryAsync(string partitionKey, IReadOnlyList<FieldCondition>? conditions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageValues.ValidateConditions(conditions, documents: false);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        string? after = null;
        while (true)
        {
            var page = await provider.Database.ReadAsync(
                connection =>
                {
                    using var command = connection.CreateCommand();
                    var sql = new StringBuilder("SELECT pk, rk, props, etag, modified FROM storage_entities WHERE store = $s AND pk = $p");
                    command.Parameters.AddWithValue("$s", store);
                    command.Parameters.AddWithValue("$p", partitionKey);
                    if (after is not null)
                    {
                        sql.Append(" AND rk > $after");
                        command.Parameters.AddWithValue("$after", after);
                    }

                    SqliteConditions.AppendTable(sql, command, conditions ?? []);
                    command.CommandText = sql.Append(CultureInfo.InvariantCulture, $" ORDER BY rk LIMIT {SqliteStorageProvider.PageSize};").ToString();
                    using var reader = command.ExecuteReader();
                    var entities = new List<TableEntity>();
                    while (reader.Read())
                    {
                        entities.Add(Entity(reader));
                    }

                    return entities;
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var entity in page)
            {
                yield return entity;
            }

            if (page.Count < SqliteStorageProvider.PageSize)
            {
                yield break;
            }

            after = page[^1].RowKey;
        }
    }

    private async ValueTask<TableEntity> WriteAsync(TableEntity entity, bool mustNotExist, CancellationToken cancellationToken)
    {
        StorageValues.ValidateEntity(entity);
        var props = TableEntityJson.Write(entity.Properties);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var etag = SqliteStorageProvider.NewETag();
        var now = provider.Now();
        await provider.Database.WriteAsync(
            connection =>
            {
                // An unconditional upsert needs no read first.
                var current = mustNotExist || entity.ETag is not null ? CurrentETag(connection, entity.PartitionKey, entity.RowKey) : null;
                var what = $"entity '{entity.PartitionKey}'/'{entity.RowKey}'";
                if (mustNotExist && current is not null)
                {
                    throw StorageConflictException.Exists(what);
                }

                if (!mustNotExist && entity.ETag is { } ifMatch && current != ifMatch)
                {
                    throw StorageConflictException.Changed(what, ifMatch);
                }

                var upsert = SqliteStorageProvider.Prepared(
                    connection,
                    "INSERT INTO storage_entities (store, pk, rk, props, etag, modified) VALUES ($s, $p, $r, $j, $e, $t) " +
                    "ON CONFLICT (store, pk, rk) DO UPDATE SET props = $j, etag = $e, modified = $t;",
                    ("$s", store), ("$p", entity.PartitionKey), ("$r", entity.RowKey), ("$j", props), ("$e", etag), ("$t", now));
                return upsert.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
        return entity with { Properties = TableEntityJson.Read(props), ETag = etag, Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(now) };
    }

    private string? CurrentETag(SqliteConnection connection, string partitionKey, string rowKey)
    {
        var select = SqliteStorageProvider.Prepared(
            connection, "SELECT etag FROM storage_entities WHERE store = $s AND pk = $p AND rk = $r;", ("$s", store), ("$p", partitionKey), ("$r", rowKey));
        return select.ExecuteScalar() as string;
    }

    private static TableEntity Entity(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), TableEntityJson.Read(reader.GetString(2)))
        {
            ETag = reader.GetString(3),
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        };
}
