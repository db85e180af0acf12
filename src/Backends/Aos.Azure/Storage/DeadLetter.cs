using System.Globalization;
using System.Text;
using QueueMessage = Aos.Storage.QueueMessage;

namespace Aos.Azure.Storage;

/// <summary>Encodes a dead-lettered message as the text of a message of the dead-letter queue: the dequeue count it had, and its body.</summary>
/// <remarks>
/// <para>
/// The service counts receipts itself, so a copy would start again at zero: the count travels in the text. The forms are
/// <c>{count}:{base64 body}</c>, or, when that exceeds the service's 64 KiB limit, <c>{count};{body}</c> for a body that XML can carry
/// (the service's wire format), or else the bare base64 body, read back with the store's maximum dequeue count (the count such a message has
/// unless the maximum changed). Base64 has neither <c>:</c> nor <c>;</c>, so the forms are told apart.
/// </para>
/// </remarks>
internal static class DeadLetter
{
    /// <summary>Gets the most characters of a message's text.</summary>
    private const int MaxText = 64 * 1024;

    /// <summary>Formats a dead letter.</summary>
    public static string Format(string body, int dequeueCount)
    {
        var count = dequeueCount.ToString(CultureInfo.InvariantCulture);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(body));
        if (count.Length + 1 + encoded.Length <= MaxText)
        {
            return $"{count}:{encoded}";
        }

        return IsXmlText(body) && Encoding.UTF8.GetByteCount(body) + count.Length + 1 <= MaxText ? $"{count};{body}" : encoded;
    }

    /// <summary>Reads a dead letter formatted by <see cref="Format"/>.</summary>
    public static QueueMessage Parse(string id, string text, DateTimeOffset insertedAt, int maxDequeueCount)
    {
        var separator = text.AsSpan(0, Math.Min(text.Length, 12)).IndexOfAny(':', ';');
        if (separator > 0 && int.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            var rest = text[(separator + 1)..];
            return new QueueMessage(id, text[separator] == ':' ? Decode(rest) : rest, count, insertedAt, null);
        }

        return new QueueMessage(id, Decode(text), maxDequeueCount, insertedAt, null);
    }

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            // Not written by this store: show it as it is.
            return base64;
        }
    }

    private static bool IsXmlText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (!(c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)))
            {
                return false;
            }
        }

        return true;
    }
}
