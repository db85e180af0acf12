using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Aos.Kernel.Workflows;

/// <summary>Stores workflow definitions and large run payloads by the SHA-256 of their content, in the agents' grain storage.</summary>
/// <remarks>
/// <para>
/// A content is immutable under its hash, so a second store of the same content writes nothing and any node may cache what it read.
/// </para>
/// <para>
/// Definitions are stored once for every run, for as long as the store lives. A run's payloads (its input, its large step results) are
/// stored under the run, <c>{run}/{hash}</c>, and the run deletes those its saved state stopped holding, and all of them when it is
/// forgotten (<see cref="WorkflowRunPayloads"/>): a run that continues as new a hundred thousand times with the same large result stores
/// it once. References are never passed from one run to another (a child run gets content, not a reference), so nothing else can reach
/// a run's payloads. A run reading a reference it does not hold falls back to the store shared by all runs, where payloads were kept
/// before they were stored under their runs.
/// </para>
/// </remarks>
public sealed class WorkflowPayloads([FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage)
{
    /// <summary>The prefix of a payload reference.</summary>
    public const string RefPrefix = "sha256:";

    private const string GrainType = "aos-wf-payload";
    private const string StateName = "payload";
    private const int CacheLimit = 1024;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    // The contents known to be stored for every run: a run's payload in the cache with the same hash is not one of them.
    private readonly ConcurrentDictionary<string, bool> _shared = new(StringComparer.Ordinal);

    /// <summary>Computes the reference of a content: <c>sha256:</c> and the lowercase hex hash of its UTF-8 bytes.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The reference.</returns>
    public static string RefOf(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return RefPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>Stores a content for every run (a definition) under its hash, unless it is stored already.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The reference.</returns>
    public async Task<string> PutAsync(string content)
    {
        var reference = RefOf(content);
        if (_shared.ContainsKey(reference))
        {
            return reference;
        }

        await StoreUnlessStoredAsync(GrainId.Create(GrainType, reference[RefPrefix.Length..]), content);
        if (_shared.Count >= CacheLimit)
        {
            _shared.Clear();
        }

        _shared[reference] = true;
        Remember(reference, content);
        return reference;
    }

    /// <summary>Reads a content stored for every run (a definition) by its reference.</summary>
    /// <param name="reference">The reference, <c>sha256:…</c>.</param>
    /// <returns>The content.</returns>
    /// <exception cref="InvalidOperationException">Nothing is stored under the reference.</exception>
    public async Task<string> GetAsync(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (_cache.TryGetValue(reference, out var cached))
        {
            return cached;
        }

        CheckReference(reference);
        var state = new GrainState<string?>(null);
        await storage.ReadStateAsync(StateName, GrainId.Create(GrainType, reference[RefPrefix.Length..]), state);
        var content = state.RecordExists && state.State is { } c ? c : throw new InvalidOperationException($"No workflow payload is stored under {reference}.");
        Remember(reference, content);
        return content;
    }

    /// <summary>Stores a run's content under the run and its hash, unless the run stored it already.</summary>
    /// <param name="content">The content.</param>
    /// <param name="owner">The run that references it.</param>
    /// <returns>The reference.</returns>
    public async Task<string> PutAsync(string content, string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var reference = RefOf(content);
        await StoreUnlessStoredAsync(OwnedId(owner, reference), content);

        Remember(reference, content);
        return reference;
    }

    /// <summary>Reads a run's content by its reference: the run's own copy, or one stored for every run before payloads were stored under runs.</summary>
    /// <param name="reference">The reference, <c>sha256:…</c>.</param>
    /// <param name="owner">The run that references it.</param>
    /// <returns>The content.</returns>
    /// <exception cref="InvalidOperationException">Nothing is stored under the reference.</exception>
    public async Task<string> GetAsync(string reference, string owner)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (_cache.TryGetValue(reference, out var cached))
        {
            return cached;
        }

        CheckReference(reference);
        var state = new GrainState<string?>(null);
        await storage.ReadStateAsync(StateName, OwnedId(owner, reference), state);
        if (state.RecordExists && state.State is { } content)
        {
            Remember(reference, content);
            return content;
        }

        return await GetAsync(reference);
    }

    /// <summary>Deletes a run's copy of a content; a content it does not hold is left alone.</summary>
    /// <param name="reference">The reference, <c>sha256:…</c>.</param>
    /// <param name="owner">The run that no longer references it.</param>
    /// <returns>A task that completes when the copy is deleted.</returns>
    public async Task DeleteAsync(string reference, string owner)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        CheckReference(reference);
        var state = new GrainState<string?>(null);
        var id = OwnedId(owner, reference);
        await storage.ReadStateAsync(StateName, id, state);
        if (state.RecordExists)
        {
            await storage.ClearStateAsync(StateName, id, state);
        }
    }

    private async Task StoreUnlessStoredAsync(GrainId id, string content)
    {
        var state = new GrainState<string?>(null);
        await storage.ReadStateAsync(StateName, id, state);
        if (!state.RecordExists)
        {
            state.State = content;
            try
            {
                await storage.WriteStateAsync(StateName, id, state);
            }
            catch (InconsistentStateException)
            {
                // Another writer stored the same content first (another node, or a stale activation of the run): the hash says it is the same.
            }
        }
    }

    private static GrainId OwnedId(string owner, string reference) =>
        GrainId.Create(GrainType, owner + "/" + reference[RefPrefix.Length..]);

    private static void CheckReference(string reference)
    {
        if (!reference.StartsWith(RefPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{reference}' is not a payload reference; it starts with '{RefPrefix}'.", nameof(reference));
        }
    }

    private void Remember(string reference, string content)
    {
        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }

        _cache[reference] = content;
    }
}
