using System.Text;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// `fusion-dashboard hash-password` (also `fusion dashboard hash-password`): reads a password (typed
/// twice without echo on a terminal, else the first line of standard input) and prints its hash for
/// Fusion:Dashboard:Users:&lt;name&gt;:PasswordHash. The password never appears on a command line.
/// </summary>
public static class HashPasswordCommand
{
    public const string Name = "hash-password";

    public const int MinimumLength = 8;

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == Name;

    public static int Run(TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        string? password;
        if (interactive)
        {
            password = ReadHidden(error, "password: ");
            var again = ReadHidden(error, "again: ");
            if (password != again)
            {
                error.WriteLine("fusion-dashboard: error: the passwords differ");
                return 1;
            }
        }
        else
        {
            password = input.ReadLine();
        }

        if (password is null || password.Length < MinimumLength)
        {
            error.WriteLine($"fusion-dashboard: error: a password needs at least {MinimumLength} characters");
            return 1;
        }

        output.WriteLine(PasswordHash.Create(password));
        return 0;
    }

    private static string ReadHidden(TextWriter prompt, string text)
    {
        prompt.Write(text);
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                prompt.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
