using System.Diagnostics.CodeAnalysis;

namespace Aos;

/// <summary>
/// Identifies an agent: 1 to 128 characters from <c>[A-Za-z0-9._-]</c>, other than <c>.</c> and <c>..</c>.
/// </summary>
/// <remarks>Ids are case-sensitive and compared ordinally. Construct one with <see cref="Parse"/> or <c>TryParse</c>.</remarks>
[GenerateSerializer, Immutable, Alias("aos.agent-id")]
[System.Text.Json.Serialization.JsonConverter(typeof(Serialization.AgentIdJsonConverter))]
public readonly record struct AgentId
{
    /// <summary>Gets the longest id accepted.</summary>
    public const int MaxLength = 128;

    private AgentId(string value) => Value = value;

    /// <summary>Gets the id's text.</summary>
    [Id(0)]
    public string Value { get; }

    /// <summary>Parses an agent id, throwing an <see cref="AosValidationException"/> that says what is wrong.</summary>
    /// <param name="value">The id text.</param>
    /// <returns>The parsed id.</returns>
    public static AgentId Parse(string? value) =>
        TryParse(value, out var id, out var error) ? id : throw new AosValidationException(error);

    /// <summary>Tries to parse an agent id.</summary>
    /// <param name="value">The id text.</param>
    /// <param name="id">The parsed id when the text is valid.</param>
    /// <returns><see langword="true"/> when the text is a valid id.</returns>
    public static bool TryParse(string? value, out AgentId id) => TryParse(value, out id, out _);

    /// <summary>Tries to parse an agent id and explains why the text is not one.</summary>
    /// <param name="value">The id text.</param>
    /// <param name="id">The parsed id when the text is valid.</param>
    /// <param name="error">Why the text is not a valid id, when it is not.</param>
    /// <returns><see langword="true"/> when the text is a valid id.</returns>
    public static bool TryParse(string? value, out AgentId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "An agent id is required: use 1 to 128 characters from [A-Za-z0-9._-].";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"The agent id is {value.Length} characters long; the limit is {MaxLength}.";
            return false;
        }

        foreach (var c in value)
        {
            if (!IsAllowed(c))
            {
                error = $"The agent id '{Printable(value)}' contains '{Printable(c.ToString())}'; only letters, digits, '.', '_' and '-' are allowed.";
                return false;
            }
        }

        // URLs resolve '.' and '..' as path segments, so such an agent could be registered but never addressed.
        if (value is "." or "..")
        {
            error = $"The agent id '{value}' is not allowed: '.' and '..' cannot be addressed in a URL. Use at least one letter, digit, '_' or '-'.";
            return false;
        }

        id = new AgentId(value);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static string Printable(string s) =>
        s.Length > 40 ? string.Concat(s.AsSpan(0, 40), "…") : string.Concat(s.Select(c => char.IsControl(c) ? '?' : c));
}
