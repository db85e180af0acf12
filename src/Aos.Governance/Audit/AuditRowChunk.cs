using System.Buffers;

namespace Aos.Governance.Audit;

/// <summary>Holds a run of stored entries as the checks need them: sequence number, stored hashes, and the hash computed from the row.</summary>
/// <remarks>
/// Filled by one reader, which hashes each row straight from SQLite's memory as it steps (each row's hash depends on the row alone), then
/// checked in order. The text fields stay UTF-8, as stored: nothing is decoded into strings or copied.
/// </remarks>
internal sealed class AuditRowChunk : IDisposable
{
    public const int Capacity = 4096;

    // Rented from the shared pools and returned by Dispose: a verification uses a few hundred kilobytes that the next one reuses.
    private readonly long[] _seq = ArrayPool<long>.Shared.Rent(Capacity);
    private readonly byte[] _previous = ArrayPool<byte>.Shared.Rent(Capacity * 32);
    private readonly byte[] _hash = ArrayPool<byte>.Shared.Rent(Capacity * 32);
    private readonly byte[] _computed = ArrayPool<byte>.Shared.Rent(Capacity * 32);
    private readonly bool[] _hashed = ArrayPool<bool>.Shared.Rent(Capacity);

    public int Count { get; private set; }

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(_seq);
        ArrayPool<byte>.Shared.Return(_previous);
        ArrayPool<byte>.Shared.Return(_hash);
        ArrayPool<byte>.Shared.Return(_computed);
        ArrayPool<bool>.Shared.Return(_hashed);
    }

    public void Clear() => Count = 0;

    /// <summary>Hashes the current row of a statement that selects the entry columns in their usual order, and keeps what the checks need.</summary>
    public void Add(in SqliteColumns.Lease row, AuditHasher hasher)
    {
        var at = Count;
        var previous = _previous.AsSpan(at * 32, 32);

        // A blob of the wrong length was tampered with; the zero-padded copy then fails the comparison that follows.
        CopyHash(row.Blob(9), previous);
        CopyHash(row.Blob(10), _hash.AsSpan(at * 32, 32));
        _seq[at] = row.Int64(0);

        // Columns 2-6 are tenant..outcome, 7 the level, 8 the context.
        _hashed[at] = hasher.TryCompute(
            _seq[at], row.Int64(1), row.Blob(2), row.Blob(3), row.Blob(4), row.Blob(5), row.Blob(6), row.Int32(7), row.Blob(8), previous,
            _computed.AsSpan(at * 32, 32));
        Count++;
    }

    /// <summary>Checks the rows in order; returns <see langword="false"/> at the first problem.</summary>
    public bool Check(AuditChainVerifier verifier)
    {
        for (var row = 0; row < Count; row++)
        {
            var computed = _hashed[row] ? _computed.AsSpan(row * 32, 32) : [];
            if (!verifier.Check(_seq[row], _previous.AsSpan(row * 32, 32), _hash.AsSpan(row * 32, 32), computed))
            {
                return false;
            }
        }

        return true;
    }

    private static void CopyHash(ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        destination.Clear();
        stored[..Math.Min(stored.Length, 32)].CopyTo(destination);
    }
}
