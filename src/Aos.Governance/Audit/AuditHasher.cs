using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Aos.Governance.Audit;

/// <summary>Computes entry hashes over canonical JSON (sorted keys, no whitespace, UTF-8).</summary>
/// <remarks>Not thread-safe: it reuses one buffer, writer and hash state; use one instance per thread.</remarks>
internal sealed class AuditHasher : IDisposable
{
    public static readonly byte[] Genesis = new byte[32];

    // What the JSON writer's default encoder escapes in a string: controls, DEL, non-ASCII, and " & ' + < > \ `.
    private static readonly SearchValues<byte> Escaped = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), .. "\"&'+<>\\`"u8.ToArray(), .. Enumerable.Range(0x7F, 0x81).Select(b => (byte)b)]);

    [ThreadStatic]
    private static CanonicalWriter? t_canonical;

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    // One hash state reused for every entry: cheaper than a one-shot hash, which sets up and clears the native state each time.
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _time = new byte[28];
    private long _timeTicks = -1;
    private int _timeLength;
    private byte[] _text = new byte[1024];
    private byte[] _plain = new byte[1024];

    public AuditHasher() => _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    public void Dispose()
    {
        _writer.Dispose();
        _sha256.Dispose();
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string FormatLevel(AuditLevel level) => level switch
    {
        AuditLevel.Info => "info",
        AuditLevel.Warning => "warning",
        AuditLevel.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "The audit level is not one of info, warning, critical."),
    };

    public static AuditLevel ParseLevel(string level) => level switch
    {
        "info" => AuditLevel.Info,
        "warning" => AuditLevel.Warning,
        "critical" => AuditLevel.Critical,
        _ => throw new FormatException($"'{level}' is not an audit level: use info, warning or critical."),
    };

    /// <summary>Returns the UTF-8 name of a level, or an empty span when the value is not a level.</summary>
    public static ReadOnlySpan<byte> LevelUtf8(int level) => level switch
    {
        (int)AuditLevel.Info => "info"u8,
        (int)AuditLevel.Warning => "warning"u8,
        (int)AuditLevel.Critical => "critical"u8,
        _ => [],
    };

    /// <summary>Computes SHA-256(previousHash || canonical JSON of the entry without its hash) into <paramref name="hash"/>.</summary>
    /// <exception cref="ArgumentException">A value cannot be hashed: the level is not a level, or the time is out of range.</exception>
    public void Compute(
        long id, long timeTicks, string tenant, string actor, string action, string resource, string outcome, AuditLevel level,
        string context, ReadOnlySpan<byte> previousHash, Span<byte> hash)
    {
        // The stored text is UTF-8, so the hash is taken over the UTF-8 bytes: the live log and its verification hash the same bytes.
        var utf8 = Encoding.UTF8;
        var size = utf8.GetMaxByteCount(tenant.Length + actor.Length + action.Length + resource.Length + outcome.Length + context.Length);
        if (_text.Length < size)
        {
            _text = new byte[Math.Max(size, _text.Length * 2)];
        }

        var text = _text.AsSpan();
        var t = utf8.GetBytes(tenant, text);
        var a = utf8.GetBytes(actor, text[t..]) + t;
        var n = utf8.GetBytes(action, text[a..]) + a;
        var r = utf8.GetBytes(resource, text[n..]) + n;
        var o = utf8.GetBytes(outcome, text[r..]) + r;
        var c = utf8.GetBytes(context, text[o..]) + o;
        if (!TryCompute(id, timeTicks, text[..t], text[t..a], text[a..n], text[n..r], text[r..o], (int)level, text[o..c], previousHash, hash))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Audit entry {id} cannot be hashed: its level ({level}) or time ({timeTicks} ticks) is out of range."));
        }
    }

    /// <summary>Computes the entry hash from the UTF-8 text of its fields, as stored.</summary>
    /// <returns><see langword="false"/> when the fields cannot belong to an entry: the level is not a level, the time is out of range,
    /// or a text is not valid UTF-8.</returns>
    public bool TryCompute(
        long id, long timeTicks, ReadOnlySpan<byte> tenant, ReadOnlySpan<byte> actor, ReadOnlySpan<byte> action, ReadOnlySpan<byte> resource,
        ReadOnlySpan<byte> outcome, int level, ReadOnlySpan<byte> context, ReadOnlySpan<byte> previousHash, Span<byte> hash)
    {
        var levelName = LevelUtf8(level);
        if (levelName.IsEmpty || timeTicks is < 0 || timeTicks > DateTime.MaxValue.Ticks || previousHash.Length != 32)
        {
            return false;
        }

        if (timeTicks != _timeTicks)
        {
            // Entries of one batch share their time: it is formatted once.
            new DateTime(timeTicks, DateTimeKind.Utc).TryFormat(_time, out _timeLength, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            _timeTicks = timeTicks;
        }

        if (TryWritePlain(id, tenant, actor, action, resource, outcome, levelName, context, previousHash, out var plain))
        {
            _sha256.AppendData(plain);
            _sha256.GetHashAndReset(hash);
            return true;
        }

        _buffer.ResetWrittenCount();
        _buffer.Write(previousHash);
        _writer.Reset(_buffer);
        Span<char> hex = stackalloc char[64];
        Convert.TryToHexStringLower(previousHash, hex, out _);
        try
        {
            // Keys in ordinal order: action, actor, context, id, level, outcome, previousHash, resource, tenant, time.
            _writer.WriteStartObject();
            _writer.WriteString("action"u8, action);
            _writer.WriteString("actor"u8, actor);
            _writer.WritePropertyName("context"u8);
            _writer.WriteRawValue(context, skipInputValidation: true);
            _writer.WriteNumber("id"u8, id);
            _writer.WriteString("level"u8, levelName);
            _writer.WriteString("outcome"u8, outcome);
            _writer.WriteString("previousHash"u8, hex);
            _writer.WriteString("resource"u8, resource);
            _writer.WriteString("tenant"u8, tenant);
            _writer.WriteString("time"u8, _time.AsSpan(0, _timeLength));
            _writer.WriteEndObject();
            _writer.Flush();
        }
        catch (ArgumentException)
        {
            // Text that is not valid UTF-8 was not written by the log.
            return false;
        }

        _sha256.AppendData(_buffer.WrittenSpan);
        _sha256.GetHashAndReset(hash);
        return true;
    }

    /// <summary>Writes the hashed bytes directly when no text field needs escaping, as is the rule: byte for byte what the JSON writer
    /// writes then (a test holds the two paths equal), without its per-call bookkeeping.</summary>
    /// <returns><see langword="false"/> when a field holds a character the writer escapes; the caller then uses the writer.</returns>
    private bool TryWritePlain(
        long id, ReadOnlySpan<byte> tenant, ReadOnlySpan<byte> actor, ReadOnlySpan<byte> action, ReadOnlySpan<byte> resource,
        ReadOnlySpan<byte> outcome, ReadOnlySpan<byte> levelName, ReadOnlySpan<byte> context, ReadOnlySpan<byte> previousHash, out ReadOnlySpan<byte> written)
    {
        written = default;
        if (tenant.ContainsAny(Escaped) || actor.ContainsAny(Escaped) || action.ContainsAny(Escaped) || resource.ContainsAny(Escaped)
            || outcome.ContainsAny(Escaped))
        {
            return false;
        }

        var size = 32 + 200 + tenant.Length + actor.Length + action.Length + resource.Length + outcome.Length + context.Length + 64 + 20;
        if (_plain.Length < size)
        {
            _plain = new byte[Math.Max(size, _plain.Length * 2)];
        }

        var buffer = _plain.AsSpan();
        previousHash.CopyTo(buffer);
        var at = 32;
        Append(buffer, ref at, "{\"action\":\""u8);
        Append(buffer, ref at, action);
        Append(buffer, ref at, "\",\"actor\":\""u8);
        Append(buffer, ref at, actor);
        Append(buffer, ref at, "\",\"context\":"u8);
        Append(buffer, ref at, context);
        Append(buffer, ref at, ",\"id\":"u8);
        id.TryFormat(buffer[at..], out var digits, default, CultureInfo.InvariantCulture);
        at += digits;
        Append(buffer, ref at, ",\"level\":\""u8);
        Append(buffer, ref at, levelName);
        Append(buffer, ref at, "\",\"outcome\":\""u8);
        Append(buffer, ref at, outcome);
        Append(buffer, ref at, "\",\"previousHash\":\""u8);
        Convert.TryToHexStringLower(previousHash, buffer[at..], out var hex);
        at += hex;
        Append(buffer, ref at, "\",\"resource\":\""u8);
        Append(buffer, ref at, resource);
        Append(buffer, ref at, "\",\"tenant\":\""u8);
        Append(buffer, ref at, tenant);
        Append(buffer, ref at, "\",\"time\":\""u8);
        Append(buffer, ref at, _time.AsSpan(0, _timeLength));
        Append(buffer, ref at, "\"}"u8);
        written = buffer[..at];
        return true;
    }

    private static void Append(Span<byte> buffer, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer[at..]);
        at += bytes.Length;
    }

    /// <summary>Returns a JSON object re-emitted with its keys sorted (ordinally, recursively) and no whitespace.</summary>
    /// <exception cref="ArgumentException">The value is not a JSON object.</exception>
    public static string CanonicalContext(JsonElement? context)
    {
        if (context is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return "{}";
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"An audit record's Context must be a JSON object; it is a {element.ValueKind}.", nameof(context));
        }

        // Each thread reuses one buffer and writer: only the resulting string is allocated.
        var canonical = t_canonical ??= new CanonicalWriter();
        canonical.Buffer.ResetWrittenCount();
        canonical.Writer.Reset(canonical.Buffer);
        WriteCanonical(canonical.Writer, element);
        canonical.Writer.Flush();
        return Encoding.UTF8.GetString(canonical.Buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                if (HasSortedAsciiNames(element))
                {
                    // Plain ASCII names are written as they are stored: no string per name.
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(JsonMarshal.GetRawUtf8PropertyName(property));
                        WriteCanonical(writer, property.Value);
                    }
                }
                else
                {
                    var properties = element.EnumerateObject().ToArray();
                    Array.Sort(properties, static (x, y) => string.CompareOrdinal(x.Name, y.Name));
                    foreach (var property in properties)
                    {
                        writer.WritePropertyName(property.Name);
                        WriteCanonical(writer, property.Value);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                // Strings are re-escaped by the writer; numbers, booleans and null keep their text.
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>Tells whether an object's property names are plain ASCII (no escapes) and already in ordinal order, as they usually are.</summary>
    /// <remarks>For such names the order of the stored UTF-8 bytes is the ordinal order of the names.</remarks>
    private static bool HasSortedAsciiNames(JsonElement element)
    {
        ReadOnlySpan<byte> previous = default;
        var first = true;
        foreach (var property in element.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(property);
            if (!Ascii.IsValid(name) || name.Contains((byte)'\\') || (!first && previous.SequenceCompareTo(name) >= 0))
            {
                return false;
            }

            previous = name;
            first = false;
        }

        return true;
    }

    /// <summary>Holds a thread's reusable buffer and writer for canonical JSON.</summary>
    private sealed class CanonicalWriter
    {
        public CanonicalWriter() => Writer = new Utf8JsonWriter(Buffer);

        public ArrayBufferWriter<byte> Buffer { get; } = new(256);

        public Utf8JsonWriter Writer { get; }
    }
}
