using SQLitePCL;

namespace Aos.Governance.Audit;

/// <summary>Holds a run of stored entries copied out of SQLite as raw bytes, and the hashes computed for them.</summary>
/// <remarks>
/// Filled by one reader, then hashed in parallel slices (each row's hash depends on the row alone), then checked in order. The text
/// fields stay UTF-8, as stored: nothing is decoded into strings.
/// </remarks>
internal sealed class AuditRowChunk
{
    public const int Capacity = 8192;

    // Per row, the ends of tenant, actor, action, resource, outcome and context in _text.
    private const int Fields = 6;

    private readonly long[] _seq = new long[Capacity];
    private readonly long[] _time = new long[Capacity];
    private readonly int[] _level = new int[Capacity];
    private readonly int[] _ends = new int[Capacity * Fields];
    private readonly byte[] _previous = new byte[Capacity * 32];
    private readonly byte[] _hash = new byte[Capacity * 32];
    private readonly byte[] _computed = new byte[Capacity * 32];
    private readonly bool[] _hashed = new bool[Capacity];
    private byte[] _text = new byte[Capacity * 256];
    private int _textLength;

    public int Count { get; private set; }

    /// <summary>Gets the sequence number of the last row added.</summary>
    public long LastSeq => _seq[Count - 1];

    public void Clear()
    {
        Count = 0;
        _textLength = 0;
    }

    /// <summary>Copies the current row of a statement that selects the entry columns in their usual order.</summary>
    public void Add(sqlite3_stmt statement)
    {
        var row = Count;
        _seq[row] = raw.sqlite3_column_int64(statement, 0);
        _time[row] = raw.sqlite3_column_int64(statement, 1);
        for (var field = 0; field < Fields; field++)
        {
            // Columns 2-6 are tenant..outcome, column 8 is the context.
            var text = raw.sqlite3_column_blob(statement, field < 5 ? field + 2 : 8);
            if (_text.Length - _textLength < text.Length)
            {
                Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + text.Length));
            }

            text.CopyTo(_text.AsSpan(_textLength));
            _textLength += text.Length;
            _ends[(row * Fields) + field] = _textLength;
        }

        _level[row] = raw.sqlite3_column_int(statement, 7);

        // A blob of the wrong length was tampered with; the zero-padded copy then fails the comparison that follows.
        CopyHash(raw.sqlite3_column_blob(statement, 9), _previous.AsSpan(row * 32, 32));
        CopyHash(raw.sqlite3_column_blob(statement, 10), _hash.AsSpan(row * 32, 32));
        Count++;
    }

    /// <summary>Computes the hash of every row.</summary>
    public void ComputeHashes(AuditHasher hasher) => ComputeHashes(hasher, 0, Count);

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

    private void ComputeHashes(AuditHasher hasher, int from, int to)
    {
        var text = _text.AsSpan();
        for (var row = from; row < to; row++)
        {
            var ends = _ends.AsSpan(row * Fields, Fields);
            var start = row == 0 ? 0 : _ends[(row * Fields) - 1];
            _hashed[row] = hasher.TryCompute(
                _seq[row], _time[row], text[start..ends[0]], text[ends[0]..ends[1]], text[ends[1]..ends[2]], text[ends[2]..ends[3]],
                text[ends[3]..ends[4]], _level[row], text[ends[4]..ends[5]], _previous.AsSpan(row * 32, 32), _computed.AsSpan(row * 32, 32));
        }
    }
}
