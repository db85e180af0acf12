using System.Buffers.Binary;
using System.Numerics;

namespace Aos.Governance.Audit;

/// <summary>Collects, for the open block of entries, which entries carry each tenant, actor, action, resource and level.</summary>
/// <remarks>
/// <para>
/// The log keeps no per-entry secondary index: five B-tree insertions per entry cost more than the entry itself. Instead the entries are
/// grouped into blocks of <see cref="BlockSize"/> consecutive sequence numbers, and when a block's last entry is written, one posting row per
/// distinct field value in the block (which of its entries carry that value) is written in the same transaction, with the block's time
/// range. A query reads the postings of the values it filters on, intersects them, and fetches only the matching entries; the open block,
/// not yet indexed, is scanned. Writing a block costs a few hundred small rows instead of tens of thousands of index insertions.
/// </para>
/// <para>Owned by the log's writer loop. Not thread-safe.</para>
/// </remarks>
internal sealed class AuditBlockIndex
{
    /// <summary>The number of consecutive entries in a block: entries <c>b * BlockSize + 1</c> to <c>(b + 1) * BlockSize</c> form block <c>b</c>.</summary>
    public const int BlockSize = 4096;

    /// <summary>The length of a posting stored as a bitmap; shorter postings are lists of 16-bit offsets.</summary>
    public const int BitmapBytes = BlockSize / 8;

    // Per indexed field, the block's entries (as offsets in the block) that carry each value.
    private readonly Dictionary<string, List<ushort>>[] _values =
        [.. Enumerable.Range(0, AuditIndexedField.Count).Select(_ => new Dictionary<string, List<ushort>>(StringComparer.Ordinal))];
    private long _minTime = long.MaxValue;
    private long _maxTime = long.MinValue;

    /// <summary>Gets the number of entries collected since the block opened.</summary>
    public int Count { get; private set; }

    /// <summary>Returns the block that holds an entry.</summary>
    public static long BlockOf(long seq) => (seq - 1) / BlockSize;

    /// <summary>Returns the first entry of a block.</summary>
    public static long FirstOf(long block) => (block * BlockSize) + 1;

    /// <summary>Returns how a level is stored in the postings: its number, as text (a tampered row's level is indexed as it is).</summary>
    public static string LevelValue(int level) => level switch
    {
        0 => "0",
        1 => "1",
        2 => "2",
        _ => level.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Records an entry of the open block.</summary>
    public void Add(long seq, long timeTicks, string tenant, string actor, string action, string resource, int level)
    {
        var offset = (ushort)((seq - 1) % BlockSize);
        Add(AuditIndexedField.Tenant, tenant, offset);
        Add(AuditIndexedField.Actor, actor, offset);
        Add(AuditIndexedField.Action, action, offset);
        Add(AuditIndexedField.Resource, resource, offset);
        Add(AuditIndexedField.Level, LevelValue(level), offset);
        _minTime = Math.Min(_minTime, timeTicks);
        _maxTime = Math.Max(_maxTime, timeTicks);
        Count++;
    }

    /// <summary>Hands every posting of the block and its time range to a writer, then empties the collection for the next block.</summary>
    /// <param name="block">The block being closed.</param>
    /// <param name="writePosting">Writes one posting: field, value, encoded offsets.</param>
    /// <param name="writeBlock">Writes the block's time range: earliest and latest entry time, in ticks.</param>
    public void Close(long block, Action<int, string, byte[]> writePosting, Action<long, long, long> writeBlock)
    {
        for (var field = 0; field < _values.Length; field++)
        {
            foreach (var (value, offsets) in _values[field])
            {
                writePosting(field, value, Encode(offsets));
            }
        }

        if (Count > 0)
        {
            writeBlock(block, _minTime, _maxTime);
        }

        Clear();
    }

    /// <summary>Forgets what was collected: after a failed write, or before reloading the open block.</summary>
    public void Clear()
    {
        foreach (var values in _values)
        {
            values.Clear();
        }

        _minTime = long.MaxValue;
        _maxTime = long.MinValue;
        Count = 0;
    }

    /// <summary>Encodes ascending offsets: a list of little-endian 16-bit offsets, or a bitmap of <see cref="BitmapBytes"/> when that is smaller.</summary>
    public static byte[] Encode(List<ushort> offsets)
    {
        if (offsets.Count * 2 < BitmapBytes)
        {
            var list = new byte[offsets.Count * 2];
            for (var i = 0; i < offsets.Count; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(list.AsSpan(i * 2), offsets[i]);
            }

            return list;
        }

        var bitmap = new byte[BitmapBytes];
        foreach (var offset in offsets)
        {
            bitmap[offset >> 3] |= (byte)(1 << (offset & 7));
        }

        return bitmap;
    }

    /// <summary>Intersects an encoded posting into a bitmap of <see cref="BlockSize"/> bits.</summary>
    /// <param name="posting">The stored posting.</param>
    /// <param name="bits">The bitmap so far: all ones before the first posting.</param>
    public static void IntersectInto(ReadOnlySpan<byte> posting, Span<ulong> bits)
    {
        Span<ulong> decoded = stackalloc ulong[BlockSize / 64];
        decoded.Clear();
        if (posting.Length == BitmapBytes)
        {
            for (var i = 0; i < decoded.Length; i++)
            {
                decoded[i] = BinaryPrimitives.ReadUInt64LittleEndian(posting[(i * 8)..]);
            }
        }
        else
        {
            for (var i = 0; i + 1 < posting.Length; i += 2)
            {
                var offset = BinaryPrimitives.ReadUInt16LittleEndian(posting[i..]);
                if (offset < BlockSize)
                {
                    decoded[offset >> 6] |= 1UL << (offset & 63);
                }
            }
        }

        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] &= decoded[i];
        }
    }

    /// <summary>Returns the offsets set in a bitmap, ascending.</summary>
    public static IEnumerable<int> Offsets(ulong[] bits)
    {
        for (var i = 0; i < bits.Length; i++)
        {
            var word = bits[i];
            while (word != 0)
            {
                var bit = BitOperations.TrailingZeroCount(word);
                yield return (i * 64) + bit;
                word &= word - 1;
            }
        }
    }

    private void Add(int field, string value, ushort offset)
    {
        var values = _values[field];
        if (!values.TryGetValue(value, out var offsets))
        {
            offsets = [];
            values.Add(value, offsets);
        }

        offsets.Add(offset);
    }
}
