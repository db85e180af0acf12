using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Storage.Sqlite;

/// <summary>Keeps agents' bounded append-only lists in the embedded SQLite database, one row per entry.</summary>
/// <remarks>
/// <para>
/// Rows are stored in the order they were appended, whoever appended them, and found per list through <c>agent_journal_lists</c>, an
/// index of (agent, kind, sequence) that the writer keeps itself, a list at a time. Rows wait unindexed until more than
/// <see cref="SqliteDatabase.JournalIndexBatch"/> do; then the list with the oldest waiting row gets all of its waiting rows indexed
/// at once, and the mark in <c>agent_journal_indexed</c> moves up to the oldest row still waiting. Appends from many agents committed
/// together therefore share the table's last pages and write no index page of their own, and a list's index page is written once
/// for all the entries it got meanwhile instead of once per append. A read takes the list's indexed entries and scans the rows above
/// the mark (about a batch of them) for the others.
/// </para>
/// <para>
/// Version 1 of the schema clustered the table by list: every append went into the middle of a page, which SQLite split and
/// rebalanced every few appends. Version 2 indexed every append at once: one random index page per append, and one more for its trim.
/// </para>
/// <para>
/// An append numbers its entries after the list's last sequence number, which the writer connection remembers for every list with a
/// waiting row. After a rollback, or when it has not seen the table yet, the connection first indexes every waiting row and reads
/// numbers from the index. Each row records the <c>keep</c> it was appended with. Entries older than the newest <c>keep</c> are deleted
/// when their list is indexed, and a read never returns more than the newest entry's <c>keep</c>. Because the newest entry is always
/// kept, sequence numbers of a list are never reused until <see cref="DeleteAsync"/> removes the whole list. A row's id is one above
/// the newest row's: when it is not one above the newest row this connection saw, another connection wrote to the table, and the
/// append indexes every waiting row and numbers its entries again.
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
        """
        CREATE TABLE agent_journal_lists (
            agent_id TEXT    NOT NULL,
            kind     INTEGER NOT NULL,
            seq      INTEGER NOT NULL,
            id       INTEGER NOT NULL,
            PRIMARY KEY (agent_id, kind, seq)) WITHOUT ROWID;
        INSERT INTO agent_journal_lists (agent_id, kind, seq, id) SELECT agent_id, kind, seq, id FROM agent_journal ORDER BY agent_id, kind, seq;
        DROP INDEX ix_agent_journal_list;
        ALTER TABLE agent_journal ADD COLUMN keep INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE agent_journal_indexed (upto INTEGER NOT NULL);
        INSERT INTO agent_journal_indexed (upto) SELECT coalesce(max(id), 0) FROM agent_journal;
        """,
    ];

    private const string LastSql = "SELECT max(seq) FROM agent_journal_lists WHERE agent_id = $a AND kind = $k;";
    private const string InsertSql = "INSERT INTO agent_journal (agent_id, kind, seq, at, data, keep) VALUES ($a, $k, $s, $at, $d, $n);";
    private const string UnInsertSql = "DELETE FROM agent_journal WHERE id = $id;";
    private const string NewestSql = "SELECT coalesce(max(id), 0) FROM agent_journal;";
    private const string IndexedSql = "SELECT upto FROM agent_journal_indexed;";
    private const string IndexRowSql = "INSERT INTO agent_journal_lists (agent_id, kind, seq, id) VALUES ($a, $k, $s, $id);";

    // Rows above the mark that are already indexed (a list indexed on its own before the mark reached it) are left as they are.
    private const string IndexTailSql = "INSERT OR IGNORE INTO agent_journal_lists (agent_id, kind, seq, id) SELECT agent_id, kind, seq, id FROM agent_journal WHERE id > $w ORDER BY agent_id, kind, seq;";
    private const string TailListsSql = "SELECT agent_id, kind, max(seq), keep FROM agent_journal WHERE id > $w GROUP BY agent_id, kind;";
    private const string TrimRowsSql = "DELETE FROM agent_journal WHERE id IN (SELECT id FROM agent_journal_lists WHERE agent_id = $a AND kind = $k AND seq <= $s);";
    private const string TrimListSql = "DELETE FROM agent_journal_lists WHERE agent_id = $a AND kind = $k AND seq <= $s;";
    private const string MarkIndexedSql = "UPDATE agent_journal_indexed SET upto = $w;";

    private const string ReadSql =
        """
        SELECT seq, at, data, keep FROM agent_journal AS t WHERE id > (SELECT upto FROM agent_journal_indexed) AND agent_id = $a AND kind = $k
            AND NOT EXISTS (SELECT 1 FROM agent_journal_lists AS x WHERE x.agent_id = $a AND x.kind = $k AND x.seq = t.seq)
        UNION ALL
        SELECT l.seq, j.at, j.data, j.keep FROM agent_journal_lists AS l JOIN agent_journal AS j ON j.id = l.id WHERE l.agent_id = $a AND l.kind = $k
        ORDER BY 1 DESC LIMIT $n;
        """;

    private const string DeleteIndexedSql = "DELETE FROM agent_journal WHERE id IN (SELECT id FROM agent_journal_lists WHERE agent_id = $a);";
    private const string DeleteListsSql = "DELETE FROM agent_journal_lists WHERE agent_id = $a;";
    private const string DeleteTailSql = "DELETE FROM agent_journal WHERE id > (SELECT upto FROM agent_journal_indexed) AND agent_id = $a;";

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
        return await _schema.Database.ReadAsync((Agent: agentId.Value, Kind: (int)kind, Limit: limit), static (connection, query) =>
        {
            var command = SqliteCommandCache.Get(connection, ReadSql, "$a", "$k", "$n");
            command.Parameters[0].Value = query.Agent;
            command.Parameters[1].Value = query.Kind;
            command.Parameters[2].Value = query.Limit;
            var entries = new List<JournalEntry>(Math.Min(query.Limit, 256));
            using (var reader = command.ExecuteReader())
            {
                // Entries beyond the newest one's keep are deleted when the list is next indexed; until then they are not returned.
                var limit = query.Limit;
                while (entries.Count < limit && reader.Read())
                {
                    if (entries.Count == 0 && reader.GetInt64(3) is var keep and > 0)
                    {
                        limit = (int)Math.Min(limit, keep);
                    }

                    entries.Add(new JournalEntry(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2)));
                }
            }

            entries.Reverse();
            return entries;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(AgentId agentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteAsync(connection =>
        {
            var deleted = 0;
            foreach (var sql in (ReadOnlySpan<string>)[DeleteIndexedSql, DeleteListsSql, DeleteTailSql])
            {
                deleted += SqliteStatement.Get(connection, sql, "$a").Bind(0, agentId.Value).Execute();
            }

            Append.Deleted(connection, agentId.Value);
            return deleted;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Indexes the rows appended since the last batch now, and deletes the entries they pushed out of their lists.</summary>
    internal async Task IndexAsync(CancellationToken cancellationToken = default)
    {
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteAsync(Append.IndexAll, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Holds one append; its <see cref="Execute"/> runs on the writer thread.</summary>
    internal sealed class Append(SqliteDatabase database, string agent, int kind, IReadOnlyList<string> entries, long at, int keep)
    {
        // What a writer connection (used by one thread at a time) knows of the table; bounded by starting over.
        private const int MaxRemembered = 65_536;
        private static readonly ConditionalWeakTable<SqliteConnection, Tail> Tails = [];

        public long Execute(SqliteConnection connection)
        {
            var tail = Tails.GetValue(connection, static _ => new Tail());
            if (tail.Rollbacks != database.Rollbacks || tail.Sequences.Count >= MaxRemembered)
            {
                // What an undone write numbered or indexed may be among what the connection remembers.
                tail.Known = false;
                tail.Rollbacks = database.Rollbacks;
            }

            if (!tail.Known)
            {
                IndexAll(connection, tail);
            }

            var key = (agent, kind);
            var seq = Last(connection, tail, key);
            var insert = SqliteStatement.Get(connection, InsertSql, "$a", "$k", "$s", "$at", "$d", "$n");
            var id = Insert(connection, insert, ++seq, entries[0]);
            if (id != tail.Newest + 1)
            {
                // Another connection added or removed rows since this one last looked: its appends may be in the tail, unremembered.
                SqliteStatement.Get(connection, UnInsertSql, "$id").Bind(0, id).Execute();
                tail.Known = false;
                IndexAll(connection, tail);
                seq = Last(connection, tail, key);
                id = Insert(connection, insert, ++seq, entries[0]);
            }

            for (var i = 1; i < entries.Count; i++)
            {
                Insert(connection, insert, ++seq, entries[i]);
            }

            tail.Newest = id + entries.Count - 1;
            tail.Sequences[key] = seq;
            tail.Add(key, id, seq - entries.Count + 1, entries.Count, keep);
            while (tail.PendingRows > database.JournalIndexBatch)
            {
                IndexOldest(connection, tail);
            }

            return seq;
        }

        /// <summary>Inserts one entry of this append and returns its row id.</summary>
        private long Insert(SqliteConnection connection, SqliteStatement insert, long seq, string entry)
        {
            insert.Bind(0, agent).Bind(1, kind).Bind(2, seq).Bind(3, at).Bind(4, entry).Bind(5, keep).Execute();
            return raw.sqlite3_last_insert_rowid(connection.Handle);
        }

        /// <summary>Indexes every row in the tail now; for tests.</summary>
        internal static long IndexAll(SqliteConnection connection)
        {
            var tail = Tails.GetValue(connection, static _ => new Tail());
            tail.Known = false;
            return IndexAll(connection, tail);
        }

        /// <summary>Forgets what the connection knows of an agent's lists, whose rows were just deleted.</summary>
        internal static void Deleted(SqliteConnection connection, string agent)
        {
            if (Tails.TryGetValue(connection, out var tail) && tail.Known)
            {
                tail.Remove(agent);
                var newest = SqliteStatement.Get(connection, NewestSql).ExecuteInt64() ?? 0;
                tail.Newest = newest;
                if (tail.Indexed > newest)
                {
                    // The next row reuses the ids of deleted ones: they must count as not indexed.
                    SqliteStatement.Get(connection, MarkIndexedSql, "$w").Bind(0, newest).Execute();
                    tail.Indexed = newest;
                }
            }
        }

        private static long Last(SqliteConnection connection, Tail tail, (string Agent, int Kind) key) =>
            tail.Sequences.TryGetValue(key, out var seq)
                ? seq
                : SqliteStatement.Get(connection, LastSql, "$a", "$k").Bind(0, key.Agent).Bind(1, key.Kind).ExecuteInt64() ?? 0;

        /// <summary>
        /// Indexes the list with the oldest unindexed row, all of its unindexed rows at once, deletes what fell out of its newest
        /// <c>keep</c>, and moves the index's mark up to the oldest row still unindexed.
        /// </summary>
        private static void IndexOldest(SqliteConnection connection, Tail tail)
        {
            var list = tail.TakeOldest();
            var index = SqliteStatement.Get(connection, IndexRowSql, "$a", "$k", "$s", "$id");
            foreach (var (seq, id) in list.Rows)
            {
                index.Bind(0, list.Key.Agent).Bind(1, list.Key.Kind).Bind(2, seq).Bind(3, id).Execute();
            }

            var last = list.Rows[^1].Seq;
            if (last - list.Keep > 0)
            {
                Trim(connection, list.Key.Agent, list.Key.Kind, last - list.Keep);
            }

            var mark = tail.OldestPendingId - 1;
            if (mark > tail.Indexed)
            {
                SqliteStatement.Get(connection, MarkIndexedSql, "$w").Bind(0, mark).Execute();
                tail.Indexed = mark;
            }
        }

        /// <summary>
        /// Indexes every row above the index's mark not indexed yet, deletes what fell out of the newest <c>keep</c> of the lists it
        /// touched, and moves the mark to the newest row; then the connection knows the tail is empty, and reads numbers afresh.
        /// </summary>
        private static long IndexAll(SqliteConnection connection, Tail tail)
        {
            var indexed = SqliteStatement.Get(connection, IndexedSql).ExecuteInt64() ?? 0;
            var newest = SqliteStatement.Get(connection, NewestSql).ExecuteInt64() ?? 0;
            if (newest > indexed)
            {
                var trims = new List<(string Agent, long Kind, long Bound)>();
                var lists = SqliteCommandCache.Get(connection, TailListsSql, "$w");
                lists.Parameters[0].Value = indexed;
                using (var reader = lists.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        if (reader.GetInt64(2) - reader.GetInt64(3) is var bound and > 0)
                        {
                            trims.Add((reader.GetString(0), reader.GetInt64(1), bound));
                        }
                    }
                }

                SqliteStatement.Get(connection, IndexTailSql, "$w").Bind(0, indexed).Execute();
                foreach (var (agent, kind, bound) in trims)
                {
                    Trim(connection, agent, kind, bound);
                }
            }

            if (newest != indexed)
            {
                // Below the newest row too when deleting a list removed the newest rows: the next row's id must be above the mark.
                SqliteStatement.Get(connection, MarkIndexedSql, "$w").Bind(0, newest).Execute();
            }

            tail.Reset(newest);
            return newest;
        }

        private static void Trim(SqliteConnection connection, string agent, long kind, long bound)
        {
            SqliteStatement.Get(connection, TrimRowsSql, "$a", "$k", "$s").Bind(0, agent).Bind(1, kind).Bind(2, bound).Execute();
            SqliteStatement.Get(connection, TrimListSql, "$a", "$k", "$s").Bind(0, agent).Bind(1, kind).Bind(2, bound).Execute();
        }

        /// <summary>What a writer connection knows of the table: the last sequence numbers, and the rows not indexed yet by list.</summary>
        private sealed class Tail
        {
            private readonly Dictionary<(string Agent, int Kind), PendingList> _pending = [];
            private readonly PriorityQueue<PendingList, long> _oldest = new();

            /// <summary>Gets the last sequence number of every list with an unindexed row (and of others appended to lately).</summary>
            public Dictionary<(string Agent, int Kind), long> Sequences { get; } = [];

            /// <summary>Gets or sets a value indicating whether this matches the table: every unindexed row is pending here.</summary>
            public bool Known { get; set; }

            /// <summary>Gets or sets the writer's rollback count when this was last known to match the table.</summary>
            public long Rollbacks { get; set; }

            /// <summary>Gets or sets the id of the newest row, as this connection last wrote or read it.</summary>
            public long Newest { get; set; }

            /// <summary>Gets or sets the index's mark: every row up to it is indexed.</summary>
            public long Indexed { get; set; }

            /// <summary>Gets how many rows are not indexed yet.</summary>
            public int PendingRows { get; private set; }

            /// <summary>Gets the id of the oldest row not indexed yet, or one above the newest row when all are.</summary>
            public long OldestPendingId
            {
                get
                {
                    while (_oldest.TryPeek(out var list, out _) && list.Taken)
                    {
                        _oldest.Dequeue();
                    }

                    return _oldest.TryPeek(out var oldest, out _) ? oldest.Rows[0].Id : Newest + 1;
                }
            }

            public void Add((string Agent, int Kind) key, long firstId, long firstSeq, int count, int keep)
            {
                if (!_pending.TryGetValue(key, out var list))
                {
                    list = new PendingList(key);
                    _pending.Add(key, list);
                    _oldest.Enqueue(list, firstId);
                }

                for (var i = 0; i < count; i++)
                {
                    list.Rows.Add((firstSeq + i, firstId + i));
                }

                list.Keep = keep;
                PendingRows += count;
            }

            public PendingList TakeOldest()
            {
                _ = OldestPendingId;
                var list = _oldest.Dequeue();
                Take(list);
                return list;
            }

            public void Remove(string agent)
            {
                foreach (var list in _pending.Values.Where(l => l.Key.Agent == agent).ToList())
                {
                    Take(list);
                }

                foreach (var key in Sequences.Keys.Where(k => k.Agent == agent).ToList())
                {
                    Sequences.Remove(key);
                }
            }

            public void Reset(long newest)
            {
                _pending.Clear();
                _oldest.Clear();
                Sequences.Clear();
                PendingRows = 0;
                Newest = newest;
                Indexed = newest;
                Known = true;
            }

            private void Take(PendingList list)
            {
                list.Taken = true;
                _pending.Remove(list.Key);
                PendingRows -= list.Rows.Count;
            }
        }

        /// <summary>A list's rows not indexed yet, oldest first.</summary>
        private sealed class PendingList((string Agent, int Kind) key)
        {
            public (string Agent, int Kind) Key { get; } = key;

            public List<(long Seq, long Id)> Rows { get; } = [];

            public int Keep { get; set; }

            public bool Taken { get; set; }
        }
    }
}
