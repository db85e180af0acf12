using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Aos.Kernel.Workflows;

/// <summary>Stores workflow definitions and large payloads once, by the SHA-256 of their content, in the agents' grain storage.</summary>
/// <remarks>
/// A payload is immutable under its hash, so a second store of the same content writes nothing and any node may cache what it read.
/// Payloads are kept for as long as the store lives: a run that continues as new a hundred thousand times with the same large result
/// stores it once.
/// </remarks>
public sealed class WorkflowPayloads([FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage)
{
    /// <summary>The prefix of a payload reference.</summary>
    public const string RefPrefix = "sha256:";

    private const string GrainType = "aos-wf-payload";
    private const string StateName = "payload";
    private const int CacheLimit = 1024;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    /// <summary>Computes the reference of a content: <c>sha256:</c> and the lowercase hex hash of its UTF-8 bytes.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The reference.</returns>
    public static string RefOf(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return RefPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>Stores a content under its hash, unless it is stored already.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The reference.</returns>
    public async Task<string> PutAsync(string content)
    {
        var reference = RefOf(content);
        if (_cache.ContainsKey(reference))
        {
            return reference;
        }

        var state = new GrainState<string?>(null);
        var id = GrainId.Create(GrainType, reference[RefPrefix.Length..]);
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
                // Another writer stored the same content first: the hash says it is the same.
            }
        }

        Remember(reference, content);
        return reference;
    }

    /// <summary>Reads a content by its reference.</summary>
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

        if (!reference.StartsWith(RefPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{reference}' is not a payload reference; it starts with '{RefPrefix}'.", nameof(reference));
        }

        var state = new GrainState<string?>(null);
        await storage.ReadStateAsync(StateName, GrainId.Create(GrainType, reference[RefPrefix.Length..]), state);
        var content = state.RecordExists && state.State is { } c ? c : throw new InvalidOperationException($"No workflow payload is stored under {reference}.");
        Remember(reference, content);
        return content;
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
