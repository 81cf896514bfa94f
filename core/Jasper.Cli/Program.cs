using Jasper.Cli;

return await JasperCommandLine.InvokeAsync(args, CliConsole.System).ConfigureAwait(false);
