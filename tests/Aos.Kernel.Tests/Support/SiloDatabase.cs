using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Aos.Kernel.Tests.Support;

/// <summary>Reads a test cluster's SQLite database directly: whether a grain has state, and its reminders.</summary>
/// <param name="dataDirectory">The cluster's data directory.</param>
internal sealed class SiloDatabase(string dataDirectory)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Tells whether a grain (<c>type/key</c>) has state stored, not just the version row a cleared state leaves.</summary>
    public Task<bool> HasStateAsync(string grainId) =>
        ScalarAsync("SELECT COUNT(*) FROM grain_state WHERE grain_id = $grain AND data IS NOT NULL;", grainId, count => count > 0);

    /// <summary>Counts the grains whose id (<c>type/key</c>) starts with a prefix and that have state stored.</summary>
    public Task<long> CountStatesUnderAsync(string prefix) =>
        ScalarAsync("SELECT COUNT(*) FROM grain_state WHERE substr(grain_id, 1, length($grain)) = $grain AND data IS NOT NULL;", prefix, count => count);

    /// <summary>Gets the highest version of the grains whose id starts with a prefix, cleared ones included: above 1, one was written again.</summary>
    public Task<long> MaxVersionUnderAsync(string prefix) =>
        ScalarAsync("SELECT coalesce(max(version), 0) FROM grain_state WHERE substr(grain_id, 1, length($grain)) = $grain;", prefix, version => version);

    /// <summary>Waits until no grain whose id starts with a prefix has state stored, with a bound against a hang.</summary>
    public async Task UntilNoneUnderAsync(string prefix)
    {
        var waited = Stopwatch.StartNew();
        while (await CountStatesUnderAsync(prefix) is var left && left > 0)
        {
            if (waited.Elapsed > Bound)
            {
                throw new TimeoutException($"{left} grain state(s) under {prefix} were still there after {Bound.TotalSeconds:0} s.");
            }

            await Task.Yield();
        }
    }

    /// <summary>Counts a grain's reminders.</summary>
    public Task<long> CountRemindersAsync(string grainId) =>
        ScalarAsync("SELECT COUNT(*) FROM reminders WHERE grain_id = $grain;", grainId, count => count);

    /// <summary>Deletes a grain's reminders, as if it had none.</summary>
    public Task DeleteRemindersAsync(string grainId) =>
        ScalarAsync("DELETE FROM reminders WHERE grain_id = $grain; SELECT changes();", grainId, count => count);

    /// <summary>Waits until a grain's state is removed, checking between turns of the thread pool, with a bound against a hang.</summary>
    public async Task UntilGoneAsync(params string[] grainIds)
    {
        var waited = Stopwatch.StartNew();
        foreach (var grainId in grainIds)
        {
            while (await HasStateAsync(grainId))
            {
                if (waited.Elapsed > Bound)
                {
                    throw new TimeoutException($"The state of {grainId} was still there after {Bound.TotalSeconds:0} s.");
                }

                await Task.Yield();
            }
        }
    }

    private async Task<T> ScalarAsync<T>(string sql, string grainId, Func<long, T> map)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "aos.db"),
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$grain", grainId);
        return map((long)(await command.ExecuteScalarAsync(Ct))!);
    }
}
