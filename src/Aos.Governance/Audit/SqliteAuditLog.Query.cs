using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    /// <inheritdoc/>
    /// <remarks>
    /// Filters on tenant, actor, action, resource or level read the block index: the postings of each complete block are intersected and
    /// only the matching entries are read; the open block (the newest entries, fewer than <see cref="AuditBlockIndex.BlockSize"/>) is
    /// scanned. A time range first narrows the blocks to those whose entries' times overlap it.
    /// </remarks>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw new ArgumentException($"AuditQuery.Limit must be between 1 and {AuditQuery.MaxLimit}; it is {query.Limit}.", nameof(query));
        }

        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // One read transaction: the postings and the rows they point at are the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var wanted = query.Limit + 1;
        var entries = new List<AuditEntry>(Math.Min(wanted, 128));
        var (after, upTo) = SeqRange(connection, query);
        var terms = Terms(query);
        if (terms.Count > 0 && after < upTo)
        {
            var indexedUpTo = Math.Min(upTo, IndexedUpTo(connection));
            if (after < indexedUpTo)
            {
                ReadIndexed(connection, query, terms, after, indexedUpTo, entries, wanted);
                after = indexedUpTo;
            }
        }

        if (entries.Count < wanted && after < upTo)
        {
            await ScanAsync(connection, query, after, upTo, entries, wanted, cancellationToken);
        }

        return entries.Count > query.Limit
            ? new AuditPage(entries.GetRange(0, query.Limit), entries[query.Limit - 1].Id)
            : new AuditPage(entries, null);
    }

    private static List<(int Field, string Value)> Terms(AuditQuery query)
    {
        // The likely most selective first: its postings drive the search, the others only intersect.
        var terms = new List<(int Field, string Value)>(AuditIndexedField.Count);
        AddTerm(terms, AuditIndexedField.Resource, query.Resource);
        AddTerm(terms, AuditIndexedField.Actor, query.Actor);
        AddTerm(terms, AuditIndexedField.Action, query.Action);
        AddTerm(terms, AuditIndexedField.Tenant, query.Tenant);
        AddTerm(terms, AuditIndexedField.Level, query.Level is { } level ? AuditBlockIndex.LevelValue((int)level) : null);
        return terms;
    }

    private static void AddTerm(List<(int Field, string Value)> terms, int field, string? value)
    {
        if (value is not null)
        {
            terms.Add((field, value));
        }
    }

    /// <summary>Returns the sequence numbers to search between (after, up to inclusive): the cursor, narrowed by the time range's blocks.</summary>
    /// <remarks>Entry times never decrease along the sequence, so the complete blocks that end before the range, and those that start
    /// after it, hold nothing it selects.</remarks>
    private static (long After, long UpTo) SeqRange(SqliteConnection connection, AuditQuery query)
    {
        var after = query.After ?? 0;
        var upTo = long.MaxValue;
        if (query.From is null && query.To is null)
        {
            return (after, upTo);
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT MIN(block) FROM audit_blocks),
                   (SELECT MAX(block) FROM audit_blocks),
                   (SELECT MIN(block) FROM audit_blocks WHERE max_time >= $from),
                   (SELECT MAX(block) FROM audit_blocks WHERE min_time < $to)
            """;
        command.Parameters.AddWithValue("$from", query.From?.UtcTicks ?? long.MinValue);
        command.Parameters.AddWithValue("$to", query.To?.UtcTicks ?? long.MaxValue);
        using var reader = command.ExecuteReader();
        reader.Read();
        if (reader.IsDBNull(0))
        {
            return (after, upTo);
        }

        var (first, last) = (reader.GetInt64(0), reader.GetInt64(1));
        if (query.From is not null)
        {
            var reaching = reader.IsDBNull(2) ? last + 1 : reader.GetInt64(2);
            after = Math.Max(after, AuditBlockIndex.FirstOf(reaching) - 1);
        }

        if (query.To is not null)
        {
            var before = reader.IsDBNull(3) ? first - 1 : reader.GetInt64(3);
            if (before < last)
            {
                upTo = AuditBlockIndex.FirstOf(before + 1) - 1;
            }
        }

        return (after, upTo);
    }

    /// <summary>Returns the last entry covered by the block index: the end of the newest complete block.</summary>
    private static long IndexedUpTo(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM audit_entries";
        var newest = (long)command.ExecuteScalar()!;
        return newest / AuditBlockIndex.BlockSize * AuditBlockIndex.BlockSize;
    }

    /// <summary>Reads the matching entries of complete blocks through their postings.</summary>
    private static void ReadIndexed(
        SqliteConnection connection, AuditQuery query, List<(int Field, string Value)> terms, long after, long upTo, List<AuditEntry> entries, int wanted)
    {
        using var driver = connection.CreateCommand();
        driver.CommandText = "SELECT block, offsets FROM audit_postings WHERE field = $field AND value = $value AND block BETWEEN $from AND $to ORDER BY block";
        driver.Parameters.AddWithValue("$field", terms[0].Field);
        driver.Parameters.AddWithValue("$value", terms[0].Value);
        driver.Parameters.AddWithValue("$from", AuditBlockIndex.BlockOf(after + 1));
        driver.Parameters.AddWithValue("$to", AuditBlockIndex.BlockOf(upTo));
        using var other = connection.CreateCommand();
        other.CommandText = "SELECT offsets FROM audit_postings WHERE field = $field AND value = $value AND block = $block";
        var otherField = other.Parameters.Add("$field", SqliteType.Integer);
        var otherValue = other.Parameters.Add("$value", SqliteType.Text);
        var otherBlock = other.Parameters.Add("$block", SqliteType.Integer);
        using var row = connection.CreateCommand();
        row.CommandText = $"SELECT {EntryColumns} FROM audit_entries WHERE seq = $seq";
        var rowSeq = row.Parameters.Add("$seq", SqliteType.Integer);

        var bits = new ulong[AuditBlockIndex.BlockSize / 64];
        using var postings = driver.ExecuteReader();
        while (entries.Count < wanted && postings.Read())
        {
            var block = postings.GetInt64(0);
            bits.AsSpan().Fill(ulong.MaxValue);
            AuditBlockIndex.IntersectInto(postings.GetFieldValue<byte[]>(1), bits);
            var matches = true;
            for (var t = 1; t < terms.Count && matches; t++)
            {
                otherField.Value = terms[t].Field;
                otherValue.Value = terms[t].Value;
                otherBlock.Value = block;
                if (other.ExecuteScalar() is byte[] offsets)
                {
                    AuditBlockIndex.IntersectInto(offsets, bits);
                }
                else
                {
                    matches = false;
                }
            }

            if (!matches)
            {
                continue;
            }

            foreach (var offset in AuditBlockIndex.Offsets(bits))
            {
                var seq = AuditBlockIndex.FirstOf(block) + offset;
                if (seq <= after || seq > upTo)
                {
                    continue;
                }

                // An archived entry has no row; its block's postings stay until the whole block is archived.
                rowSeq.Value = seq;
                using var reader = row.ExecuteReader();
                if (reader.Read() && Matches(reader, query))
                {
                    entries.Add(ReadEntry(reader));
                    if (entries.Count == wanted)
                    {
                        return;
                    }
                }
            }
        }
    }

    /// <summary>Checks a row against every filter: the postings already matched the indexed fields; this also checks time, and guards them.</summary>
    private static bool Matches(SqliteDataReader reader, AuditQuery query) =>
        (query.Tenant is null || reader.GetString(2) == query.Tenant)
        && (query.Actor is null || reader.GetString(3) == query.Actor)
        && (query.Action is null || reader.GetString(4) == query.Action)
        && (query.Resource is null || reader.GetString(5) == query.Resource)
        && (query.Level is null || reader.GetInt32(7) == (int)query.Level)
        && (query.From is null || reader.GetInt64(1) >= query.From.Value.UtcTicks)
        && (query.To is null || reader.GetInt64(1) < query.To.Value.UtcTicks);

    /// <summary>Scans the entries in a range of sequence numbers with every filter in SQL.</summary>
    private static async Task ScanAsync(
        SqliteConnection connection, AuditQuery query, long after, long upTo, List<AuditEntry> entries, int wanted, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {EntryColumns} FROM audit_entries WHERE seq > $after AND seq <= $upTo");
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$upTo", upTo);
        AddFilter(command, sql, "tenant", query.Tenant);
        AddFilter(command, sql, "actor", query.Actor);
        AddFilter(command, sql, "action", query.Action);
        AddFilter(command, sql, "resource", query.Resource);
        AddFilter(command, sql, "level", query.Level is { } level ? (int)level : null);
        AddFilter(command, sql, "time", query.From?.UtcTicks, ">=", "from");
        AddFilter(command, sql, "time", query.To?.UtcTicks, "<", "to");
        sql.Append(" ORDER BY seq LIMIT $limit");
        command.Parameters.AddWithValue("$limit", wanted - entries.Count);
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(ReadEntry(reader));
        }
    }

    /// <inheritdoc/>
    public async Task ExportAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // One read transaction: the checkpoints and the entries are the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var checkpoints = ReadCheckpoints(connection, long.MaxValue);
        await AuditJsonLines.WriteAsync(destination, checkpoints, ReadEntriesAsync(connection, long.MaxValue, cancellationToken), cancellationToken);
    }

    private static void AddFilter(SqliteCommand command, StringBuilder sql, string column, object? value, string op = "=", string? name = null)
    {
        if (value is null)
        {
            return;
        }

        name = "$" + (name ?? column);
        sql.Append(" AND ").Append(column).Append(' ').Append(op).Append(' ').Append(name);
        command.Parameters.AddWithValue(name, value);
    }

    private static AuditEntry ReadEntry(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        (AuditLevel)reader.GetInt32(7),
        reader.GetString(8),
        Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(9)),
        Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(10)));

    private static async IAsyncEnumerable<AuditEntry> ReadEntriesAsync(
        SqliteConnection connection, long upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EntryColumns} FROM audit_entries WHERE seq <= $upTo ORDER BY seq";
        command.Parameters.AddWithValue("$upTo", upTo);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadEntry(reader);
        }
    }

    private static List<AuditCheckpoint> ReadCheckpoints(SqliteConnection connection, long upTo)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, time, every, key_id, signature FROM audit_checkpoints WHERE seq <= $upTo ORDER BY seq";
        command.Parameters.AddWithValue("$upTo", upTo);
        using var reader = command.ExecuteReader();
        var checkpoints = new List<AuditCheckpoint>();
        while (reader.Read())
        {
            checkpoints.Add(ReadCheckpoint(reader));
        }

        return checkpoints;
    }

    private static AuditCheckpoint? ReadCheckpoint(SqliteConnection connection, long seq)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, time, every, key_id, signature FROM audit_checkpoints WHERE seq = $seq";
        command.Parameters.AddWithValue("$seq", seq);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadCheckpoint(reader) : null;
    }

    private static AuditCheckpoint? ReadLastCheckpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, time, every, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadCheckpoint(reader) : null;
    }

    private static AuditCheckpoint ReadCheckpoint(SqliteDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), reader.GetInt32(3), reader.GetString(4), reader.GetString(5));
}
