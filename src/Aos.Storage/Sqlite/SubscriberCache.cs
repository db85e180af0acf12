using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Aos.Agents;

namespace Aos.Storage.Sqlite;

/// <summary>
/// Remembers the subscribers of recently published topics for one database file, so that a publish reads them from memory instead of
/// running the directory's two queries; every change to the directory's agents or subscriptions forgets them all.
/// </summary>
/// <remarks>
/// <para>
/// An entry is stamped with the file's directory generation read before its query ran, and is used only while that generation is
/// current. A change bumps the generation after it committed and before its caller is answered, so a publish that starts after a
/// subscribe returned never sees the subscribers from before it. The generation is kept per file path, process-wide: several
/// <see cref="SqliteDatabase"/> instances opened on one file in one process (an in-process test cluster) see each other's changes.
/// </para>
/// <para>
/// Another process writing the same file is not seen; one <c>aos.db</c> serves one process, as its message transport already requires
/// (it hands out pending messages from an in-process scheduler).
/// </para>
/// </remarks>
internal sealed class SubscriberCache
{
    /// <summary>The most topics remembered; past it, the cache is emptied and fills again with the topics still published.</summary>
    internal const int MaxTopics = 65_536;

    private static readonly ConcurrentDictionary<string, StrongBox<long>> Generations =
        new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    private static readonly ConditionalWeakTable<SqliteDatabase, SubscriberCache> Caches = [];

    private readonly ConcurrentDictionary<(string Tenant, string Topic), Entry> _entries = new();
    private readonly StrongBox<long> _generation;

    private SubscriberCache(string databasePath) => _generation = Generations.GetOrAdd(databasePath, static _ => new StrongBox<long>());

    /// <summary>Gets the directory generation of the file: it changes whenever the file's agents or subscriptions may have changed.</summary>
    public long Generation => Volatile.Read(ref _generation.Value);

    /// <summary>Gets how many topics are remembered.</summary>
    public int Count => _entries.Count;

    /// <summary>Gets the cache of a database.</summary>
    public static SubscriberCache For(SqliteDatabase database) => Caches.GetValue(database, static d => new SubscriberCache(d.DatabasePath));

    /// <summary>Gets a topic's remembered subscribers, when they were read in the current generation.</summary>
    public bool TryGet(string tenant, string topic, out Subscribers subscribers)
    {
        if (_entries.TryGetValue((tenant, topic), out var entry) && entry.Generation == Generation)
        {
            subscribers = entry.Subscribers;
            return true;
        }

        subscribers = Subscribers.None;
        return false;
    }

    /// <summary>Remembers a topic's subscribers as read by a query that started in <paramref name="generation"/>, unless that generation has passed.</summary>
    public void Add(string tenant, string topic, long generation, Subscribers subscribers)
    {
        if (generation != Generation)
        {
            return;
        }

        if (_entries.Count >= MaxTopics)
        {
            _entries.Clear();
        }

        _entries[(tenant, topic)] = new Entry(generation, subscribers);
    }

    /// <summary>Forgets every remembered topic of the file, in every instance that caches it; called after each change to the directory.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation.Value);
        _entries.Clear();
    }

    private sealed record Entry(long Generation, Subscribers Subscribers);

    /// <summary>A topic's subscribers, ordered by id, with the message types of those that take only some.</summary>
    /// <param name="All">Every subscriber.</param>
    /// <param name="Types">The declared message types of each subscriber that has some; <see langword="null"/> when none has.</param>
    internal sealed record Subscribers(IReadOnlyList<AgentId> All, IReadOnlyDictionary<string, string[]>? Types)
    {
        public static Subscribers None { get; } = new([], null);

        /// <summary>Gets the subscribers that take a message type: all of them when no subscriber lists types, or no type is given.</summary>
        public IReadOnlyList<AgentId> Taking(string? messageType)
        {
            if (Types is null || messageType is null)
            {
                return All;
            }

            var taking = new List<AgentId>(All.Count);
            foreach (var id in All)
            {
                if (!Types.TryGetValue(id.Value, out var types) || AgentDescriptor.Takes(types, messageType))
                {
                    taking.Add(id);
                }
            }

            return taking;
        }
    }
}
