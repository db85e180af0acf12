using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aos.Governance.Audit;

namespace Aos.Governance.Tests.Audit;

/// <summary>The entry hash against an independent rendering of its canonical JSON by the JSON writer.</summary>
public sealed class AuditHasherTests
{
    public static TheoryData<string> Texts()
    {
        // Every printable ASCII character (the hasher writes plain text itself and leaves escaping to the JSON writer), controls and
        // non-ASCII text.
        var data = new TheoryData<string>();
        for (var c = 0x20; c < 0x7F; c++)
        {
            data.Add("agent/" + (char)c + "x");
        }

        data.Add("tab\there");
        data.Add("line\nbreak");
        data.Add("\u007F");
        data.Add("café");
        data.Add("日本");
        data.Add("emoji 😀");
        data.Add("");
        return data;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void TryCompute_EqualsSha256OfTheWritersCanonicalJson(string text)
    {
        using var hasher = new AuditHasher();
        var previous = SHA256.HashData("previous"u8);
        var time = new DateTime(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc).AddTicks(1234567).Ticks;
        var context = """{"a":[1,"x"],"n":2}"""u8;
        var fields = (string[])[text, "actor " + text, text + ".do", "res/" + text, text];
        var hash = new byte[32];

        var computed = hasher.TryCompute(
            42, time, Utf8(fields[0]), Utf8(fields[1]), Utf8(fields[2]), Utf8(fields[3]), Utf8(fields[4]), (int)AuditLevel.Warning, context,
            previous, hash);

        Assert.True(computed);
        Assert.Equal(Convert.ToHexStringLower(Expected(42, time, fields, "warning", context, previous)), Convert.ToHexStringLower(hash));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Expected(long id, long time, string[] fields, string level, ReadOnlySpan<byte> context, byte[] previous)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(previous);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("action", fields[2]);
            writer.WriteString("actor", fields[1]);
            writer.WritePropertyName("context");
            writer.WriteRawValue(context);
            writer.WriteNumber("id", id);
            writer.WriteString("level", level);
            writer.WriteString("outcome", fields[4]);
            writer.WriteString("previousHash", Convert.ToHexStringLower(previous));
            writer.WriteString("resource", fields[3]);
            writer.WriteString("tenant", fields[0]);
            writer.WriteString("time", new DateTime(time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return SHA256.HashData(buffer.WrittenSpan);
    }
}
