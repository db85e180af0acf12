using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aos.Cli.Client;

namespace Aos.Cli.Tests;

/// <summary>Runs alone: these tests change the process's working directory and stdin, where <c>aos login</c> keeps its session and reads the password.</summary>
[CollectionDefinition(nameof(WorkingDirectoryTests), DisableParallelization = true)]
public sealed class WorkingDirectoryTests;

/// <summary><c>aos login</c> and <c>aos logout</c>: the session file, its use and refresh by the other commands, and its end.</summary>
[Collection(nameof(WorkingDirectoryTests))]
public sealed class LoginCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private const string Password = "correct horse battery";

    private readonly Uri _server = fixture.Address;
    private readonly string _previousDirectory = Environment.CurrentDirectory;
    private readonly TextReader _previousIn = Console.In;
    private readonly string _directory = Directory.CreateTempSubdirectory("aos-login-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Console.SetIn(_previousIn);
        Environment.CurrentDirectory = _previousDirectory;
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Login_KeepsTheSession0600_OtherCommandsUseAndRefreshIt_LogoutEndsIt()
    {
        await CreateUserAsync("cli-ada");
        Environment.CurrentDirectory = _directory;

        var login = await LoginAsync("cli-ada", Password);

        login.AssertExitCode(ExitCodes.Success);
        Assert.Contains("logged in as cli-ada (tenant default)", login.Output, StringComparison.Ordinal);
        var path = Path.Combine(_directory, ".aos", "credentials", "session.json");
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var text = await File.ReadAllTextAsync(path, Ct);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        var first = LoginSession.FromJson(text)!;
        (await RunWithoutKeyAsync("agents", "list")).AssertExitCode(ExitCodes.Success);
        Assert.Equal(first.RefreshToken, LoginSessionFile.Read()!.RefreshToken);

        // An access token about to expire is refreshed first, and the rotated refresh token is kept.
        LoginSessionFile.Write(first with { ExpiresAt = DateTimeOffset.UnixEpoch });
        (await RunWithoutKeyAsync("agents", "list")).AssertExitCode(ExitCodes.Success);
        var refreshed = LoginSessionFile.Read()!;
        Assert.NotEqual(first.RefreshToken, refreshed.RefreshToken);
        Assert.True(refreshed.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(5));

        var logout = await RunWithoutKeyAsync("logout");

        logout.AssertExitCode(ExitCodes.Success);
        Assert.Contains("logged out cli-ada", logout.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        using var anonymous = new HttpClient { BaseAddress = _server };
        using var refresh = await anonymous.PostAsync("/v1/auth/token", new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", refreshed.RefreshToken)]), Ct);
        Assert.Contains("signed out", await refresh.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var bearer = new HttpClient { BaseAddress = _server };
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.AccessToken);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await bearer.GetAsync("/v1/agents", Ct)).StatusCode);
        Assert.Contains("not logged in", (await RunWithoutKeyAsync("logout")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongPassword_SaysSo_AndKeepsNothing()
    {
        await CreateUserAsync("cli-bob");
        Environment.CurrentDirectory = _directory;

        var login = await LoginAsync("cli-bob", "wrong " + Password);

        login.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("The username or password is wrong.", login.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, login.Error + login.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(LoginSessionFile.FullPath));
    }

    [Fact]
    public async Task EndedSession_OtherCommandsSayToLogInAgain()
    {
        await CreateUserAsync("cli-eve");
        Environment.CurrentDirectory = _directory;
        (await LoginAsync("cli-eve", Password)).AssertExitCode(ExitCodes.Success);
        var session = LoginSessionFile.Read()!;
        using var anonymous = new HttpClient { BaseAddress = _server };
        using (var spent = await anonymous.PostAsync("/v1/auth/token", new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", session.RefreshToken)]), Ct))
        {
            Assert.True(spent.IsSuccessStatusCode);
        }

        // The file still holds the spent token: using it is reuse, which ends the session.
        LoginSessionFile.Write(session with { ExpiresAt = DateTimeOffset.UnixEpoch });
        var result = await RunWithoutKeyAsync("agents", "list");

        result.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("the login session of cli-eve (tenant default) ended", result.Error, StringComparison.Ordinal);
        Assert.Contains("aos login", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(session.RefreshToken, result.Error, StringComparison.Ordinal);
    }

    private Task<CliResult> LoginAsync(string username, string password)
    {
        Console.SetIn(new StringReader(password + "\n"));
        return RunWithoutKeyAsync("login", "--username", username, "--password-stdin");
    }

    private async Task<CliResult> RunWithoutKeyAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new System.CommandLine.InvocationConfiguration { Output = output, Error = error };
        var exitCode = await Commands.AosCommand.Create().Parse([.. args, "--server", _server.ToString()]).InvokeAsync(configuration, Ct);
        return new CliResult(args, exitCode, output.ToString(), error.ToString());
    }

    private async Task CreateUserAsync(string username)
    {
        using var http = new HttpClient { BaseAddress = _server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.ApiKey);
        using var response = await http.PostAsJsonAsync("/v1/users", new JsonObject { ["username"] = username, ["password"] = Password, ["roles"] = new JsonArray("user") }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}
