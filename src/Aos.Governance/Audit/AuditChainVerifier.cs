using System.Globalization;
using System.Security.Cryptography;

namespace Aos.Governance.Audit;

/// <summary>Checks entries in sequence order against the chain and the signed checkpoints, and stops at the first problem.</summary>
/// <remarks>Shared by the live log and the offline JSON Lines verifier so both judge a log the same way. Not thread-safe.</remarks>
internal sealed class AuditChainVerifier : IDisposable
{
    private readonly IReadOnlyDictionary<string, byte[]> _keys;
    private readonly SortedList<long, AuditCheckpoint> _checkpoints = [];
    private AuditHasher? _hasher;
    private readonly byte[] _previous = new byte[32];
    private long _expected;
    private long _lastCheckpoint;
    private long _bound;
    private long _checked;

    public AuditChainVerifier(IReadOnlyDictionary<string, byte[]> keys, IEnumerable<AuditCheckpoint> checkpoints, int? initialEvery)
    {
        _keys = keys;
        foreach (var checkpoint in checkpoints)
        {
            _checkpoints[checkpoint.Id] = checkpoint;
        }

        // Before the first checkpoint, the live log knows its own cadence; an export takes the first checkpoint's promise.
        _bound = initialEvery ?? (_checkpoints.Count > 0 ? _checkpoints.Values[0].Every : long.MaxValue);
    }

    public AuditVerification? Failure { get; private set; }

    public void Dispose() => _hasher?.Dispose();

    /// <summary>Checks the next entry; returns <see langword="false"/> once a problem was found (see <see cref="Failure"/>).</summary>
    public bool Check(
        long id, long timeTicks, string tenant, string actor, string action, string resource, string outcome, AuditLevel level,
        string context, ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> hash)
    {
        // Hashing first changes nothing: the checks below run in the same order and the first failing one is reported.
        Span<byte> computed = stackalloc byte[32];
        try
        {
            (_hasher ??= new AuditHasher()).Compute(id, timeTicks, tenant, actor, action, resource, outcome, level, context, previousHash, computed);
        }
        catch (ArgumentException)
        {
            computed = [];
        }

        return Check(id, previousHash, hash, computed);
    }

    /// <summary>Checks the next entry given its hash computed beforehand (empty when it could not be computed).</summary>
    /// <remarks>Hashes are independent of each other, so callers may compute them in parallel; the links are checked here, in order.</remarks>
    public bool Check(long id, ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> computed)
    {
        if (_expected == 0 && !Start(id))
        {
            return false;
        }

        if (id != _expected)
        {
            return Fail(id, AuditProblems.ChainBroken, id > _expected
                ? $"Entry {id} follows entry {_expected - 1}: entries {_expected} to {id - 1} are missing."
                : $"Entry {id} appears after entry {_expected - 1}: the entries are out of order.");
        }

        if (!previousHash.SequenceEqual(_previous))
        {
            return Fail(id, AuditProblems.ChainBroken, $"Entry {id} does not point at the hash of entry {id - 1}: an entry was removed, inserted or moved.");
        }

        if (computed.Length != 32 || !hash.SequenceEqual(computed))
        {
            return Fail(id, AuditProblems.HashMismatch, $"Entry {id}'s content does not match its hash: a field was changed.");
        }

        if (_checkpoints.TryGetValue(id, out var checkpoint))
        {
            if (!AuditKeyRing.Verify(_keys, checkpoint))
            {
                return Fail(id, AuditProblems.CheckpointSignatureInvalid, $"The checkpoint at entry {id} (key {checkpoint.KeyId}) does not verify with any known key.");
            }

            if (!string.Equals(checkpoint.Hash, Convert.ToHexStringLower(computed), StringComparison.Ordinal))
            {
                return Fail(id, AuditProblems.CheckpointMismatch, string.Create(CultureInfo.InvariantCulture,
                    $"Entry {id}'s hash differs from its signed checkpoint: entries {_lastCheckpoint + 1} to {id} were changed and the chain recomputed."));
            }

            _lastCheckpoint = id;
            _bound = checkpoint.Every;
        }
        else if (id - _lastCheckpoint > _bound)
        {
            return Fail(id, AuditProblems.CheckpointMissing, $"Entry {id} is more than {_bound} entries after the checkpoint at entry {_lastCheckpoint}: checkpoints were removed.");
        }

        computed.CopyTo(_previous);
        _expected++;
        _checked++;
        return true;
    }

    /// <summary>Finishes: a signed checkpoint beyond the last entry means the tail was cut.</summary>
    public AuditVerification Complete()
    {
        if (Failure is { } failure)
        {
            return failure;
        }

        var last = _expected == 0 ? 0 : _expected - 1;
        for (var i = _checkpoints.Count - 1; i >= 0 && _checkpoints.Keys[i] > last; i--)
        {
            var checkpoint = _checkpoints.Values[i];
            if (AuditKeyRing.Verify(_keys, checkpoint))
            {
                Fail(last + 1, AuditProblems.TailTruncated, $"A signed checkpoint covers entry {checkpoint.Id}, but the log ends at entry {last}: entries {last + 1} to {checkpoint.Id} were cut.");
                return Failure!;
            }
        }

        return AuditVerification.Success(_checked);
    }

    private bool Start(long id)
    {
        if (id == 1)
        {
            AuditHasher.Genesis.CopyTo(_previous, 0);
            _expected = 1;
            return true;
        }

        // An archived prefix leaves a signed anchor: the checkpoint of the last archived entry.
        if (_checkpoints.TryGetValue(id - 1, out var anchor) && AuditKeyRing.Verify(_keys, anchor))
        {
            Convert.FromHexString(anchor.Hash).CopyTo(_previous, 0);
            _expected = id;
            _lastCheckpoint = anchor.Id;
            _bound = anchor.Every;
            return true;
        }

        _expected = id;
        return Fail(id, AuditProblems.ChainBroken, $"The log starts at entry {id} without a signed anchor for entry {id - 1}: the head was cut.");
    }

    private bool Fail(long id, string problem, string detail)
    {
        Failure = AuditVerification.Failure(_checked, id, problem, detail);
        return false;
    }
}
