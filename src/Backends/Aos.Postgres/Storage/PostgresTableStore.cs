using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Keeps one table store as rows of <c>table_entities</c>: keys, the properties as <see cref="TableEntityJson"/> in <c>jsonb</c>, ETag and timestamp.</summary>
/// <remarks>Each write is one statement; conditional writes carry their ETag check in the statement, so a conflict changes nothing.</remarks>
internal sealed partial class PostgresTableStore(PostgresDatabase database, string store, TimeProvider timeProvider) : ITableStore
{
    private readonly string _table = $"{database.Schema}.table_entities";

    public async ValueTask<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(rowKey, "rowKey");
        return await database.ExecuteAsync(
            PostgresMigrations.Tables,
            async (connection, token) =>
            {
                await using var command = connection.Command($"SELECT rk, props::text, etag, modified_at FROM {_table} WHERE store = $1 AND pk = $2 AND rk = $3", store, partitionKey, rowKey);
                await using var reader = await command.ExecuteReaderAsync(token);
                return await reader.ReadAsync(token) ? ReadEntity(reader, partitionKey) : null;
            },
            cancellationToken);
    }

    public async ValueTask<TableEntity> AddAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        var (props, etag, now) = Prepare(entity);
        var added = await database.ExecuteAsync(
            PostgresMigrations.Tables,
            async (connection, token) => await connection.ExecuteAsync(
                $"INSERT INTO {_table} (store, pk, rk, props, etag, modified_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6) ON CONFLICT (store, pk, rk) DO NOTHING",
                token,
                store,
                entity.PartitionKey,
                entity.RowKey,
                props,
                etag,
                now),
            cancellationToken);
        return added == 1 ? Stored(entity, props, etag, now) : throw StorageConflictException.Exists(Describe(entity));
    }

    public async ValueTask<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        var (props, etag, now) = Prepare(entity);
        var sql = entity.ETag is null
            ? $"""
              INSERT INTO {_table} (store, pk, rk, props, etag, modified_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
              ON CONFLICT (store, pk, rk) DO UPDATE SET props = excluded.props, etag = excluded.etag, modified_at = excluded.modified_at
              """
            : $"UPDATE {_table} SET props = $4::jsonb, etag = $5, modified_at = $6 WHERE store = $1 AND pk = $2 AND rk = $3 AND etag = $7";
        object?[] parameters = entity.ETag is null
            ? [store, entity.PartitionKey, entity.RowKey, props, etag, now]
            : [store, entity.PartitionKey, entity.RowKey, props, etag, now, entity.ETag];
        var written = await database.ExecuteAsync(PostgresMigrations.Tables, async (connection, token) => await connection.ExecuteAsync(sql, token, parameters), cancellationToken);
        return written == 1 ? Stored(entity, props, etag, now) : throw StorageConflictException.Changed(Describe(entity), entity.ETag!);
    }

    public async ValueTask<bool> DeleteAsync(string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(rowKey, "rowKey");
        var deleted = await database.ExecuteAsync(
            PostgresMigrations.Tables,
            async (connection, token) => await connection.ExecuteAsync(
                $"DELETE FROM {_table} WHERE store = $1 AND pk = $2 AND rk = $3 AND ($4::text IS NULL OR etag = $4)",
                token,
                store,
                partitionKey,
                rowKey,
                ifMatch),
            cancellationToken);
        if (deleted == 0 && ifMatch is not null)
        {
            throw StorageConflictException.Changed($"entity '{partitionKey}'/'{rowKey}'", ifMatch);
        }

        return deleted > 0;
    }

    private static string Describe(TableEntity entity) => $"entity '{entity.PartitionKey}'/'{entity.RowKey}'";

    private static TableEntity ReadEntity(NpgsqlDataReader reader, string partitionKey) =>
        new(partitionKey, reader.GetString(0), TableEntityJson.Read(reader.GetString(1)))
        {
            ETag = reader.GetString(2),
            Timestamp = reader.GetFieldValue<DateTimeOffset>(3),
        };

    private static TableEntity Stored(TableEntity entity, string props, string etag, DateTimeOffset now) =>
        new(entity.PartitionKey, entity.RowKey, TableEntityJson.Read(props)) { ETag = etag, Timestamp = now };

    private (string Props, string ETag, DateTimeOffset Now) Prepare(TableEntity entity)
    {
        StorageValues.ValidateEntity(entity);
        foreach (var (name, value) in entity.Properties)
        {
            if (value is double d && !double.IsFinite(d))
            {
                // JSON has no NaN or infinity, so the typed JSON cannot keep one.
                throw new AosValidationException($"The value of '{name}' is {d}; storage keeps finite numbers only.") { Field = name };
            }
        }

        return (TableEntityJson.Write(entity.Properties), PostgresValues.NewETag(), PostgresValues.Now(timeProvider));
    }
}
