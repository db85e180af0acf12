using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aos.Storage;

/// <summary>Checks the values given to storage operations the same way for every backend, and gives backends the shared encodings of values.</summary>
public static class StorageValues
{
    /// <summary>Gets the largest queue message body, in UTF-8 bytes.</summary>
    public const int MaxQueueBodyBytes = 48 * 1024;

    /// <summary>Gets the most properties a table entity holds.</summary>
    public const int MaxProperties = 252;

    /// <summary>Gets the largest table entity or document, in UTF-8 bytes of its JSON.</summary>
    public const int MaxItemBytes = 1024 * 1024;

    private static readonly HashSet<string> ReservedProperties = new(["PartitionKey", "RowKey", "Timestamp", "ETag"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the kind of a property or condition value.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">The input's name, for the error.</param>
    /// <returns>The kind.</returns>
    /// <exception cref="AosValidationException">The value has a type storage does not keep.</exception>
    public static StorageValueKind KindOf(object? value, string field) => value switch
    {
        string => StorageValueKind.Text,
        int or long or double => StorageValueKind.Number,
        bool => StorageValueKind.Boolean,
        DateTimeOffset => StorageValueKind.Time,
        Guid => StorageValueKind.Identifier,
        byte[] => StorageValueKind.Binary,
        _ => throw new AosValidationException(
            $"The value of '{field}' is {(value is null ? "null" : "a " + value.GetType().Name)}; storage keeps string, bool, int, long, double, DateTimeOffset, Guid and byte[] values (use DateTimeOffset for times).")
        { Field = field },
    };

    /// <summary>Formats a time as its sortable UTC text, <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>: ordinal order of the text is the order of the instants.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text.</returns>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses a time formatted by <see cref="FormatTime"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The time, in UTC.</returns>
    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Checks a table entity's keys, property names, value types and size.</summary>
    /// <param name="entity">The entity.</param>
    /// <exception cref="AosValidationException">The entity is not valid; the error names the property.</exception>
    public static void ValidateEntity(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        StorageNames.ValidateKey(entity.PartitionKey, "partitionKey");
        StorageNames.ValidateKey(entity.RowKey, "rowKey");
        if (entity.Properties.Count > MaxProperties)
        {
            throw new AosValidationException($"The entity has {entity.Properties.Count} properties; the limit is {MaxProperties}.") { Field = "properties", TooLarge = true };
        }

        long size = 0;
        foreach (var (name, value) in entity.Properties)
        {
            StorageNames.ValidateIdentifier(name, "property name");
            if (ReservedProperties.Contains(name))
            {
                throw new AosValidationException($"'{name}' is a system property of every entity; give the property another name.") { Field = name };
            }

            if (value is null)
            {
                continue;
            }

            _ = KindOf(value, name);
            if (value is double d && !double.IsFinite(d))
            {
                throw new AosValidationException($"The value of '{name}' is {d}; storage keeps finite numbers only.") { Field = name };
            }

            size += name.Length + value switch
            {
                string s => Encoding.UTF8.GetByteCount(s),
                byte[] b => b.Length,
                _ => 16,
            };
        }

        if (size > MaxItemBytes)
        {
            throw new AosValidationException($"The entity's properties take {size} bytes; the limit is {MaxItemBytes} bytes.") { Field = "properties", TooLarge = true };
        }
    }

    /// <summary>Checks query conditions: field names, value types and operators.</summary>
    /// <param name="conditions">The conditions; <see langword="null"/> for none.</param>
    /// <param name="documents">Whether the fields are document paths (dotted) rather than table property names.</param>
    /// <exception cref="AosValidationException">A condition is not valid; the error names its field.</exception>
    public static void ValidateConditions(IReadOnlyList<FieldCondition>? conditions, bool documents)
    {
        foreach (var condition in conditions ?? [])
        {
            ArgumentNullException.ThrowIfNull(condition);
            if (documents)
            {
                foreach (var segment in (condition.Field ?? string.Empty).Split('.'))
                {
                    StorageNames.ValidateIdentifier(segment, "field path segment");
                }
            }
            else if (condition.Field != FieldCondition.RowKey)
            {
                StorageNames.ValidateIdentifier(condition.Field ?? string.Empty, "property name");
            }

            if (!Enum.IsDefined(condition.Operator))
            {
                throw new AosValidationException($"{(int)condition.Operator} is not a comparison operator.") { Field = condition.Field };
            }

            var kind = KindOf(condition.Value, condition.Field!);
            if (kind == StorageValueKind.Binary || (kind == StorageValueKind.Boolean && condition.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual)))
            {
                throw new AosValidationException($"A {kind.ToString().ToLowerInvariant()} value can only be compared for (in)equality{(kind == StorageValueKind.Binary ? ", and binary values not at all" : string.Empty)}.") { Field = condition.Field };
            }

            if (!documents && condition.Field == FieldCondition.RowKey && kind != StorageValueKind.Text)
            {
                throw new AosValidationException("The row key is text: compare it with a string.") { Field = condition.Field };
            }

            if (condition.Value is double d && !double.IsFinite(d))
            {
                throw new AosValidationException("A condition value must be a finite number.") { Field = condition.Field };
            }
        }
    }

    /// <summary>Checks a document: a JSON object no larger than <see cref="MaxItemBytes"/>.</summary>
    /// <param name="document">The document.</param>
    /// <exception cref="AosValidationException">The document is not valid.</exception>
    public static void ValidateDocument(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object)
        {
            throw new AosValidationException($"A document must be a JSON object, not {document.ValueKind.ToString().ToLowerInvariant()}.") { Field = "document" };
        }

        if (document.GetRawText() is { } raw && Encoding.UTF8.GetByteCount(raw) > MaxItemBytes)
        {
            throw new AosValidationException($"The document is larger than {MaxItemBytes} bytes.") { Field = "document", TooLarge = true };
        }
    }

    /// <summary>Checks blob metadata: identifier names (unique regardless of case) and printable ASCII values.</summary>
    /// <param name="metadata">The metadata; <see langword="null"/> for none.</param>
    /// <exception cref="AosValidationException">The metadata is not valid.</exception>
    public static void ValidateMetadata(IDictionary<string, string>? metadata)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var size = 0;
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
        {
            StorageNames.ValidateIdentifier(name, "metadata name");
            if (!seen.Add(name))
            {
                throw new AosValidationException($"The metadata name '{name}' appears twice (names are case-insensitive).") { Field = name };
            }

            if (value is null || value.Any(c => c is < ' ' or > '~'))
            {
                throw new AosValidationException($"The metadata value of '{name}' must be printable ASCII text.") { Field = name };
            }

            size += name.Length + value.Length;
        }

        if (size > 8 * 1024)
        {
            throw new AosValidationException("The metadata takes more than 8 KiB.") { Field = "metadata", TooLarge = true };
        }
    }

    /// <summary>Checks a queue message body and delay.</summary>
    /// <param name="body">The body.</param>
    /// <param name="delay">The delay.</param>
    /// <exception cref="AosValidationException">The body or delay is not valid.</exception>
    public static void ValidateEnqueue(string body, TimeSpan? delay)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Encoding.UTF8.GetByteCount(body) is var size && size > MaxQueueBodyBytes)
        {
            throw new AosValidationException($"The message body is {size} bytes; the limit is {MaxQueueBodyBytes} bytes. Put large content in a blob and enqueue its name.") { Field = "body", TooLarge = true };
        }

        if (delay is { } d && (d < TimeSpan.Zero || d > TimeSpan.FromDays(7)))
        {
            throw new AosValidationException($"The delay {d} is outside 0 to 7 days.") { Field = "delay" };
        }
    }

    /// <summary>Checks a receive or peek count and a visibility timeout.</summary>
    /// <param name="maxMessages">The most messages.</param>
    /// <param name="visibilityTimeout">The visibility timeout; <see langword="null"/> for a peek.</param>
    /// <exception cref="AosValidationException">A value is out of range.</exception>
    public static void ValidateReceive(int maxMessages, TimeSpan? visibilityTimeout)
    {
        if (maxMessages is < 1 or > 32)
        {
            throw new AosValidationException($"Receive or peek 1 to 32 messages at a time, not {maxMessages}.") { Field = "maxMessages" };
        }

        if (visibilityTimeout is { } v && (v < TimeSpan.FromSeconds(1) || v > TimeSpan.FromDays(7)))
        {
            throw new AosValidationException($"The visibility timeout {v} is outside 1 second to 7 days.") { Field = "visibilityTimeout" };
        }
    }

    /// <summary>Checks that a dead letter was received, so that it can be requeued or deleted.</summary>
    /// <param name="deadLetter">The dead letter.</param>
    /// <param name="action">What is to be done with it, as in "requeued".</param>
    /// <returns>Its pop receipt.</returns>
    /// <exception cref="AosValidationException">It has no pop receipt: it was peeked, not received.</exception>
    public static string ValidateDeadLetterReceipt(QueueMessage deadLetter, string action)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        return deadLetter.PopReceipt is { Length: > 0 } receipt
            ? receipt
            : throw new AosValidationException($"Only a dead letter received with ReceiveDeadLettersAsync can be {action}: '{deadLetter.Id}' has no pop receipt (it was peeked).") { Field = "deadLetter" };
    }
}
