namespace Aos.Messaging;

/// <summary>Validates topic names and subscription patterns, and matches topics against patterns.</summary>
/// <remarks>
/// Topics are dotted names such as <c>orders.eu.created</c>. In a pattern, <c>*</c> matches exactly one segment and
/// <c>&gt;</c>, allowed only as the last segment, matches one or more remaining segments (the NATS convention).
/// </remarks>
public static class TopicPattern
{
    /// <summary>Gets the longest topic or pattern accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Tells whether a pattern holds a wildcard.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <returns><see langword="true"/> when the pattern has a <c>*</c> or <c>&gt;</c> segment.</returns>
    public static bool IsWildcard(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return pattern == "*" || pattern == ">" || pattern.StartsWith("*.", StringComparison.Ordinal) || pattern.EndsWith(".>", StringComparison.Ordinal)
            || pattern.Contains(".*.", StringComparison.Ordinal) || pattern.EndsWith(".*", StringComparison.Ordinal);
    }

    /// <summary>Checks a topic a message is published on: dotted, non-empty segments, no wildcards.</summary>
    /// <param name="topic">The topic.</param>
    /// <exception cref="AosValidationException">The topic is not valid; the message says why.</exception>
    public static void ValidateTopic(string? topic) => Validate(topic, allowWildcards: false, "topic");

    /// <summary>Checks a subscription pattern: dotted, non-empty segments, <c>*</c> anywhere, <c>&gt;</c> last only.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <exception cref="AosValidationException">The pattern is not valid; the message says why.</exception>
    public static void ValidatePattern(string? pattern) => Validate(pattern, allowWildcards: true, "subscriptions");

    /// <summary>Tells whether a topic matches a pattern.</summary>
    /// <param name="pattern">The subscription pattern.</param>
    /// <param name="topic">The topic a message was published on.</param>
    /// <returns><see langword="true"/> when the topic matches.</returns>
    public static bool Matches(string pattern, string topic)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(topic);
        var p = pattern.AsSpan();
        var t = topic.AsSpan();
        while (true)
        {
            var pEnd = p.IndexOf('.');
            var pSegment = pEnd < 0 ? p : p[..pEnd];
            if (pSegment is ">")
            {
                return !t.IsEmpty;
            }

            if (t.IsEmpty)
            {
                return false;
            }

            var tEnd = t.IndexOf('.');
            var tSegment = tEnd < 0 ? t : t[..tEnd];
            if (pSegment is not "*" && !pSegment.SequenceEqual(tSegment))
            {
                return false;
            }

            if (pEnd < 0 || tEnd < 0)
            {
                return pEnd < 0 && tEnd < 0;
            }

            p = p[(pEnd + 1)..];
            t = t[(tEnd + 1)..];
        }
    }

    private static void Validate(string? value, bool allowWildcards, string field)
    {
        var what = allowWildcards ? "subscription pattern" : "topic";
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new AosValidationException($"A {what} must not be empty; use dotted names such as 'orders.created'.") { Field = field };
        }

        if (value.Length > MaxLength)
        {
            throw new AosValidationException($"The {what} '{value[..32]}…' is {value.Length} characters; the limit is {MaxLength}.") { Field = field };
        }

        // Segment by segment over the text itself: a publish validates its topic, and this allocates nothing unless it throws.
        var rest = value.AsSpan();
        while (true)
        {
            var end = rest.IndexOf('.');
            var segment = end < 0 ? rest : rest[..end];
            if (segment.IsEmpty)
            {
                throw new AosValidationException($"The {what} '{value}' has an empty segment; segments are separated by single dots.") { Field = field };
            }

            if (HasWhiteSpace(segment))
            {
                throw new AosValidationException($"The {what} '{value}' contains whitespace; use dotted names such as 'orders.created'.") { Field = field };
            }

            var wildcard = segment is "*" or ">";
            var hasWildcard = segment.ContainsAny('*', '>');
            if (!allowWildcards && hasWildcard)
            {
                throw new AosValidationException($"The topic '{value}' contains a wildcard; wildcards ('*', '>') are for subscriptions, a message is published on a concrete topic.") { Field = field };
            }

            if (!wildcard && hasWildcard)
            {
                throw new AosValidationException($"The {what} '{value}' has '{segment}': a wildcard must be a whole segment ('orders.*', 'orders.>').") { Field = field };
            }

            if (end < 0)
            {
                return;
            }

            if (segment is ">")
            {
                throw new AosValidationException($"The {what} '{value}' has '>' before the last segment; '>' matches the rest of a topic, so it must come last.") { Field = field };
            }

            rest = rest[(end + 1)..];
        }
    }

    private static bool HasWhiteSpace(ReadOnlySpan<char> segment)
    {
        foreach (var c in segment)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }
}
