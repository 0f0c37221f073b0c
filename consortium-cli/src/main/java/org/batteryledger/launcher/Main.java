package org.batteryledger.launcher;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The Java side of {@code ./consortium}: one picocli command per subcommand, which parses, checks and calls
 * {@link Consortium}. Help and bash/zsh completion are picocli's ({@code ./consortium --help},
 * {@code ./consortium help up}, {@code source <(./consortium generate-completion)}). The script passes the consortium
 * directory, the configured WildFly and the EAR as system properties, the options' defaults.
 */
@Command(name = "consortium", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, usageHelpAutoWidth = true,
        header = "Runs a local Battery Ledger consortium of WildFly nodes, its fault drills, and the PBFT simulator.",
        description = "Local state lives in consortium.d/. Exit status: 0 done, 1 failed, 2 a usage error.",
        commandListHeading = "%nCommands:%n",
        subcommands = {
                NodeCommands.Up.class, NodeCommands.Status.class, NodeCommands.Down.class,
                NodeCommands.Stop.class, NodeCommands.Start.class, NodeCommands.Kill.class,
                MemberCommands.AddAgency.class, MemberCommands.AddNode.class, MemberCommands.PrepareNode.class,
                MemberCommands.SignCsr.class, MemberCommands.RemoveNode.class, MemberCommands.Revoke.class,
                MemberCommands.RotateSigner.class, MemberCommands.RevokeSigner.class, MemberCommands.Crl.class,
                DrillCommands.Slow.class, DrillCommands.Byzantine.class, DrillCommands.KillLoopCommand.class,
                DrillCommands.SoakCommand.class, DrillCommands.Simulate.class, VerifyEvidence.class,
                NodeCommands.Init.class, CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The consortium directory: every command's. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${sys:consortium.dir:-consortium.d}",
                description = "the consortium directory (default: ${DEFAULT-VALUE})")
        Path dir;

        Consortium consortium() {
            return Consortium.at(dir);
        }
    }

    /** The EAR a command starts nodes with. */
    static final class EarOption {
        @Option(names = "--ear", paramLabel = "EAR", defaultValue = "${sys:consortium.ear}",
                description = "the node's EAR (default: the one the build made, ${DEFAULT-VALUE})")
        Path ear;
    }

    /** A command on one node of the consortium, named first; an unknown node is a usage error before anything runs. */
    abstract static class OnNode implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        DirOption at;
        @CommandLine.Parameters(index = "0", paramLabel = "NODE", description = "the node, e.g. node2")
        String node;

        @Override
        public final Integer call() throws Exception {
            Consortium consortium = at.consortium();
            consortium.nodeDir(node);
            return on(consortium);
        }

        abstract int on(Consortium consortium) throws Exception;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code); // only on failure: exec:java runs init inside Maven's own JVM
        }
    }

    /** The command line with its error handling: a usage error or a refused request is one line, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (e instanceof IllegalArgumentException) {
                err.println("consortium " + line.getCommandName() + ": " + e.getMessage());
                err.println("see ./consortium help " + line.getCommandName());
                return CommandLine.ExitCode.USAGE;
            }
            if (e instanceof IOException) {
                err.println("consortium " + line.getCommandName() + ": " + e.getMessage());
                return CommandLine.ExitCode.SOFTWARE;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The build's version, from the jar's manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"Battery Ledger consortium launcher " + (v != null ? v : "(development build)")};
        }
    }
}
