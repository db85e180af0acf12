using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>Keeps agents' bounded append-only lists in the embedded SQLite database, one row per entry.</summary>
/// <remarks>
/// <para>
/// Rows are stored in the order they were appended, whoever appended them, and found per list through an index of
/// (agent, kind, sequence). Appends from many agents committed together therefore share the table's last pages, and each touches
/// one small index page of its own; a table clustered by list would put every append into the middle of its own page of whole
/// entries, which SQLite splits and rebalances every few appends. Version 1 of the schema was that table; version 2 copies it.
/// </para>
/// <para>
/// An append is up to three indexed statements in one write operation: read the list's last sequence number (unless the writer
/// connection remembers it from an earlier append), insert the entries after it, and delete the entries that fell out of the newest
/// <c>keep</c>. Because the newest entry is always kept, sequence numbers of a list are never reused until <see cref="DeleteAsync"/>
/// removes the whole list. A remembered number can only be ahead of the table (when the append's transaction rolled back), which
/// leaves a gap in the numbers, never a reuse.
/// </para>
/// </remarks>
public sealed class SqliteAgentJournal : IAgentJournal
{
    internal const string SchemaComponent = "aos.agent_journal";

    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE agent_journal (
            agent_id TEXT    NOT NULL,
            kind     INTEGER NOT NULL,
            seq      INTEGER NOT NULL,
            at       INTEGER NOT NULL,
            data     TEXT    NOT NULL,
            PRIMARY KEY (agent_id, kind, seq)) WITHOUT ROWID;
        """,
        """
        CREATE TABLE agent_journal_rows (
            id       INTEGER PRIMARY KEY,
            agent_id TEXT    NOT NULL,
            kind     INTEGER NOT NULL,
            seq      INTEGER NOT NULL,
            at       INTEGER NOT NULL,
            data     TEXT    NOT NULL);
        INSERT INTO agent_journal_rows (agent_id, kind, seq, at, data) SELECT agent_id, kind, seq, at, data FROM agent_journal ORDER BY at, agent_id, kind, seq;
        DROP TABLE agent_journal;
        ALTER TABLE agent_journal_rows RENAME TO agent_journal;
        CREATE UNIQUE INDEX ix_agent_journal_list ON agent_journal (agent_id, kind, seq);
        """,
    ];

    private const string LastSql = "SELECT max(seq) FROM agent_journal WHERE agent_id = $a AND kind = $k;";
    private const string InsertSql = "INSERT INTO agent_journal (agent_id, kind, seq, at, data) VALUES ($a, $k, $s, $at, $d);";
    private const string TrimSql = "DELETE FROM agent_journal WHERE agent_id = $a AND kind = $k AND seq <= $s;";
    private const string ReadSql = "SELECT seq, at, data FROM agent_journal WHERE agent_id = $a AND kind = $k ORDER BY seq DESC LIMIT $n;";
    private const string DeleteSql = "DELETE FROM agent_journal WHERE agent_id = $a;";

    private readonly SchemaGate _schema;

    /// <summary>Initializes a new instance of the <see cref="SqliteAgentJournal"/> class.</summary>
    /// <param name="database">The database that holds the journals.</param>
    public SqliteAgentJournal(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _schema = new SchemaGate(database, SchemaComponent, Migrations);
    }

    /// <inheritdoc />
    public async ValueTask AppendAsync(AgentId agentId, JournalKind kind, IReadOnlyList<string> entries, DateTimeOffset timestamp, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        if (entries.Count == 0)
        {
            return;
        }

        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
        }

        var append = new Append(_schema.Database, agentId.Value, (int)kind, entries, timestamp.ToUnixTimeMilliseconds(), keep);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteReplayableAsync(append.Execute, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<JournalEntry>> ReadAsync(AgentId agentId, JournalKind kind, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return _schema.Database.Read((Agent: agentId.Value, Kind: (int)kind, Limit: limit), static (connection, query) =>
        {
            var command = SqliteCommandCache.Get(connection, ReadSql, "$a", "$k", "$n");
            command.Parameters[0].Value = query.Agent;
            command.Parameters[1].Value = query.Kind;
            command.Parameters[2].Value = query.Limit;
            var entries = new List<JournalEntry>(Math.Min(query.Limit, 256));
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    entries.Add(new JournalEntry(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2)));
                }
            }

            entries.Reverse();
            return entries;
        });
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(AgentId agentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteAsync(connection =>
        {
            var command = SqliteCommandCache.Get(connection, DeleteSql, "$a");
            command.Parameters[0].Value = agentId.Value;
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Holds one append; its <see cref="Execute"/> runs on the writer thread.</summary>
    internal sealed class Append(SqliteDatabase database, string agent, int kind, IReadOnlyList<string> entries, long at, int keep)
    {
        // The last sequence number of recently appended lists, per writer connection (used by one thread at a time); bounded by clearing,
        // and forgotten whenever the writer has rolled something back, since the append that set a number may be among what was undone.
        private const int MaxRemembered = 65_536;
        private static readonly ConditionalWeakTable<SqliteConnection, Remembered> LastSequences = [];

        public long Execute(SqliteConnection connection)
        {
            var remembered = LastSequences.GetValue(connection, static _ => new Remembered());
            var rollbacks = database.Rollbacks;
            if (remembered.Rollbacks != rollbacks || remembered.Sequences.Count >= MaxRemembered)
            {
                remembered.Sequences.Clear();
                remembered.Rollbacks = rollbacks;
            }

            if (!remembered.Sequences.TryGetValue((agent, kind), out var seq))
            {
                seq = SqliteStatement.Get(connection, LastSql, "$a", "$k").Bind(0, agent).Bind(1, kind).ExecuteInt64() ?? 0;
            }

            var insert = SqliteStatement.Get(connection, InsertSql, "$a", "$k", "$s", "$at", "$d");
            foreach (var entry in entries)
            {
                insert.Bind(0, agent).Bind(1, kind).Bind(2, ++seq).Bind(3, at).Bind(4, entry).Execute();
            }

            if (seq > keep)
            {
                SqliteStatement.Get(connection, TrimSql, "$a", "$k", "$s").Bind(0, agent).Bind(1, kind).Bind(2, seq - keep).Execute();
            }

            remembered.Sequences[(agent, kind)] = seq;
            return seq;
        }

        private sealed class Remembered
        {
            public Dictionary<(string Agent, int Kind), long> Sequences { get; } = [];

            public long Rollbacks { get; set; }
        }
    }
}
