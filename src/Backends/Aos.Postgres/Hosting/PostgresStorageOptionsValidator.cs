using Aos.Postgres.Storage;
using Microsoft.Extensions.Options;

namespace Aos.Postgres.Hosting;

/// <summary>Fails host start when the PostgreSQL storage options are not valid, naming each wrong option.</summary>
internal sealed class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
