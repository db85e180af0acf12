using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Configures the PostgreSQL storage backend: which server and database it uses, and the schema its tables live in.</summary>
/// <remarks>
/// The backend creates the schema and its tables on first use, and migrates them with versioned scripts recorded in
/// <c>{Schema}.aos_schema</c>. Several nodes may share one schema: migrations take an advisory lock. Bound from <c>Aos:Storage:Postgres</c>.
/// </remarks>
public sealed class PostgresStorageOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Storage:Postgres";

    /// <summary>Gets or sets the Npgsql connection string (<c>Host=…;Port=5432;Username=…;Password=…;Database=…</c>).</summary>
    /// <remarks>The password is never logged nor put in an error message.</remarks>
    /// <value>Required; there is no default.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the schema that holds the backend's tables: 1 to 63 lowercase ASCII letters, digits and underscores, starting with a letter or underscore.</summary>
    /// <value>The default is <c>aos</c>.</value>
    public string Schema { get; set; } = "aos";

    /// <summary>Checks the options and lists what is wrong, naming each option.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{SectionName}:ConnectionString is required: set it to an Npgsql connection string such as 'Host=127.0.0.1;Port=5432;Username=aos;Password=…;Database=aos'.";
        }
        else if (ParseProblem(ConnectionString) is { } problem)
        {
            yield return $"{SectionName}:ConnectionString is not a valid Npgsql connection string ({problem}); use the form 'Host=127.0.0.1;Port=5432;Username=aos;Password=…;Database=aos'.";
        }

        if (string.IsNullOrEmpty(Schema) || Schema.Length > 63 || !(char.IsAsciiLetterLower(Schema[0]) || Schema[0] == '_')
            || Schema.Any(c => !char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_'))
        {
            yield return $"{SectionName}:Schema is '{Schema}'; use 1 to 63 lowercase letters, digits and underscores, starting with a letter or underscore (for example 'aos').";
        }
    }

    private static string? ParseProblem(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "it names no Host" : null;
        }
        catch (ArgumentException e)
        {
            // The message names the keyword at fault, never a value: safe to show.
            return e.Message;
        }
    }
}
