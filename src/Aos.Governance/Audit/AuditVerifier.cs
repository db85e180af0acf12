using System.Text.Json;

namespace Aos.Governance.Audit;

/// <summary>Verifies an exported or archived audit log offline.</summary>
public static class AuditVerifier
{
    /// <summary>Reads every checkpoint signing key in a key directory, by key id.</summary>
    /// <param name="keyDirectory">The directory the audit log keeps its keys in (<see cref="AuditLogOptions.KeyDirectory"/>).</param>
    /// <returns>The keys by key id.</returns>
    public static IReadOnlyDictionary<string, byte[]> LoadKeys(string keyDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyDirectory);
        return AuditKeyRing.LoadKeys(keyDirectory);
    }

    /// <summary>Verifies a JSON Lines export: the chain of its entries and its signed checkpoints.</summary>
    /// <param name="source">The export, as written by <see cref="IAuditLog.ExportAsync"/> or an archive.</param>
    /// <param name="keys">The checkpoint keys by key id (see <see cref="LoadKeys"/>).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The outcome, naming the first bad entry.</returns>
    /// <remarks>Checkpoint lines come before entry lines, so the export is read once, line by line.</remarks>
    public static async Task<AuditVerification> VerifyJsonLinesAsync(
        Stream source, IReadOnlyDictionary<string, byte[]> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keys);
        using var reader = new StreamReader(source, leaveOpen: true);
        var checkpoints = new List<AuditCheckpoint>();
        AuditChainVerifier? verifier = null;
        var previous = new byte[32];
        var hash = new byte[32];
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } text)
            {
                if (text.Length == 0)
                {
                    continue;
                }

                using var line = JsonDocument.Parse(text);
                var root = line.RootElement;
                if (root.GetProperty("type").ValueEquals("checkpoint"u8))
                {
                    if (verifier is not null)
                    {
                        throw new FormatException("A checkpoint line follows an entry line: checkpoint lines come first in an audit export.");
                    }

                    checkpoints.Add(AuditJsonLines.ReadCheckpoint(root));
                    continue;
                }

                verifier ??= new AuditChainVerifier(keys, checkpoints, initialEvery: null);
                var entry = AuditJsonLines.ReadEntry(root);
                if (!TryParseHash(entry.PreviousHash, previous) || !TryParseHash(entry.Hash, hash))
                {
                    return AuditVerification.Failure(0, entry.Id, AuditProblems.HashMismatch, $"Entry {entry.Id} has a hash that is not 64 hex digits.");
                }

                if (!verifier.Check(
                    entry.Id, entry.Time.UtcTicks, entry.Tenant, entry.Actor, entry.Action, entry.Resource, entry.Outcome, entry.Level,
                    entry.Context, previous, hash))
                {
                    break;
                }
            }

            verifier ??= new AuditChainVerifier(keys, checkpoints, initialEvery: null);
            return verifier.Complete();
        }
        finally
        {
            verifier?.Dispose();
        }
    }

    private static bool TryParseHash(string hex, Span<byte> destination) =>
        hex.Length == 64 && Convert.FromHexString(hex, destination, out _, out var written) == System.Buffers.OperationStatus.Done && written == 32;
}
