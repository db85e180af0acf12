namespace Aos.Cli.Tests;

public sealed class UsersCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Password = "correct horse battery";

    private readonly Uri _server = fixture.Address;

    [Fact]
    public async Task Create_WithPasswordStdin_List_Delete_NeverPrintingThePassword()
    {
        var username = "ada-" + Guid.NewGuid().ToString("N")[..6];
        CliResult created;
        var stdin = Console.In;
        Console.SetIn(new StringReader(Password + "\n"));
        try
        {
            created = await Cli.RunAsync(_server, "users", "create", username, "--role", "guest", "--password-stdin");
        }
        finally
        {
            Console.SetIn(stdin);
        }

        var listed = await Cli.RunAsync(_server, "users", "list");
        var deleted = await Cli.RunAsync(_server, "users", "delete", username);
        var again = await Cli.RunAsync(_server, "users", "delete", username);

        created.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"created user {username} in tenant default with roles guest", created.Output.Trim());
        Assert.Matches($@"(?m)^{username}\s+default\s+guest\s+\S+\s+active$", listed.Output);
        Assert.All(new[] { created, listed }, r => Assert.DoesNotContain(Password, r.Output + r.Error, StringComparison.Ordinal));
        Assert.Equal($"deleted user {username}", deleted.Output.Trim());
        again.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("404", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithoutATerminalOrPasswordStdin_SaysHowToGiveThePassword()
    {
        CliResult result;
        var stdin = Console.In;
        Console.SetIn(new StringReader(string.Empty));
        try
        {
            result = await Cli.RunAsync(_server, "users", "create", "bob", "--password-stdin");
        }
        finally
        {
            Console.SetIn(stdin);
        }

        result.AssertExitCode(ExitCodes.Usage);
        Assert.Contains("--password-stdin read no password", result.Error, StringComparison.Ordinal);
    }
}
