using System.CommandLine;
using System.Text;
using Aos.Cli.Client;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos login</c> and <c>aos logout</c>: sign a local user in with a password, keep the session, end it.</summary>
internal static class LoginCommand
{
    public static Command CreateLogin()
    {
        var username = new Option<string>("--username") { Description = "The local user to sign in as.", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin instead of prompting for it." };
        var command = new Command("login", $"Sign in as a local user; the session (access and refresh token) is kept in {LoginSessionFile.RelativePath}, readable by you only, and used by the other commands.")
        {
            username, passwordStdin,
        };
        command.SetServerAction(
            async (parseResult, client, cancellationToken) =>
            {
                var name = parseResult.GetValue(username)!;
                // The global --tenant names the user's tenant here: a local user signs in to its own tenant.
                var tenantName = parseResult.GetValue(CliOptions.Tenant) is { Length: > 0 } given ? given : "default";
                var password = ReadPassword(parseResult.GetValue(passwordStdin), parseResult.InvocationConfiguration.Error);
                var answer = await client.PostFormAsync(
                    "/v1/auth/token",
                    [new("grant_type", "password"), new("username", name), new("password", password), new("tenant", tenantName)],
                    cancellationToken);
                var session = LoginSession.FromTokenResponse(client.Server, tenantName, name, answer, TimeProvider.System.GetUtcNow());
                LoginSessionFile.Write(session);
                parseResult.InvocationConfiguration.Output.WriteLine($"logged in as {name} (tenant {tenantName}) at {session.Server}; the session is kept in {LoginSessionFile.RelativePath}");
            },
            authenticate: false);
        return command;
    }

    public static Command CreateLogout()
    {
        var command = new Command("logout", $"End the 'aos login' session: revoke its refresh token on the server and delete {LoginSessionFile.RelativePath}.");
        command.SetServerAction(
            async (parseResult, _, cancellationToken) =>
            {
                var output = parseResult.InvocationConfiguration.Output;
                if (LoginSessionFile.Read() is not { } session)
                {
                    LoginSessionFile.Delete();
                    output.WriteLine("not logged in");
                    return;
                }

                var server = new Uri(session.Server);
                try
                {
                    if (session.NeedsRefresh(TimeProvider.System.GetUtcNow()))
                    {
                        session = await session.RefreshAsync(server, TimeProvider.System, cancellationToken);
                    }
                }
                catch (CliException ex) when (ex.Message.StartsWith("the login session", StringComparison.Ordinal))
                {
                    LoginSessionFile.Delete();
                    output.WriteLine($"logged out {session.Username} (the session had already ended)");
                    return;
                }

                using var client = new AosApiClient(server, session.AccessToken);
                await client.PostFormAsync("/v1/auth/revoke", [new("token", session.RefreshToken), new("token_type_hint", "refresh_token")], cancellationToken);
                LoginSessionFile.Delete();
                output.WriteLine($"logged out {session.Username} (tenant {session.Tenant}); the session is ended on the server");
            },
            authenticate: false);
        return command;
    }

    private static string ReadPassword(bool fromStdin, TextWriter prompt)
    {
        if (fromStdin)
        {
            return Console.In.ReadLine() is { Length: > 0 } line
                ? line
                : throw new CliException("--password-stdin read no password: pipe it in, for instance 'aos login --username ada --password-stdin < password.txt'", ExitCodes.Usage);
        }

        if (Console.IsInputRedirected)
        {
            throw new CliException("stdin is not a terminal, so the password cannot be prompted for: give --password-stdin and pipe it in", ExitCodes.Usage);
        }

        prompt.Write("password: ");
        var password = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        prompt.WriteLine();
        return password.Length > 0 ? password.ToString() : throw new CliException("no password was given", ExitCodes.Usage);
    }
}
