package org.batteryledger.launcher;

import org.batteryledger.node.directory.NodeDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The commands that change who is in the consortium: agencies, nodes, document signers, revocations. */
final class MemberCommands {
    private MemberCommands() {
    }

    @Command(name = "add-agency", mixinStandardHelpOptions = true,
            description = {"A new member company: its agency CA from the chain CA, the add-agency proposal with its member kinds and the other agencies' approvals.",
                    "add-node --agency NAME works right after."})
    static final class AddAgency implements Callable<Integer> {
        @Mixin
        Main.DirOption at;
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "the agency's name, e.g. agency-d")
        String name;
        @Option(names = "--kind", paramLabel = "KIND[,KIND...]", description = "manufacturer, charging, recycler, auditor")
        String kind;

        @Override
        public Integer call() throws Exception {
            return org.batteryledger.launcher.AddAgency.run(at.dir, name, kind, Consortium.jbossHomeOf(at.dir));
        }
    }

    @Command(name = "add-node", mixinStandardHelpOptions = true,
            description = "Certificate from the agency CA, node directory, start, registration proposal and approvals; prints the seconds until the node signed a commit certificate.")
    static final class AddNode implements Callable<Integer> {
        @Mixin
        Main.DirOption at;
        @Mixin
        Main.EarOption ear;
        @Option(names = "--agency", required = true, paramLabel = "AGENCY", description = "the agency the node belongs to")
        String agency;
        @Option(names = "--name", paramLabel = "NAME", description = "the node's name (default: the next nodeN)")
        String name;

        @Override
        public Integer call() throws Exception {
            return at.consortium().addNode(agency, name, ear.ear);
        }
    }

    @Command(name = "prepare-node", mixinStandardHelpOptions = true,
            description = {"For the console's add-node flow: the new node's key (kept in its keystore) and CSR, its directory and address-book entries.",
                    "Prints the CSR to paste into the console."})
    static final class PrepareNode implements Callable<Integer> {
        @Mixin
        Main.DirOption at;
        @Option(names = "--agency", required = true, paramLabel = "AGENCY", description = "the agency the node belongs to")
        String agency;
        @Option(names = "--name", paramLabel = "NAME", description = "the node's name (default: the next nodeN)")
        String name;

        @Override
        public Integer call() throws Exception {
            PreparedNode p = at.consortium().prepareNode(agency, name);
            System.out.println("prepared " + p.name() + " (node id " + p.nodeId().value() + ", peer address " + p.p2pAddress() + ")");
            System.out.println("its key stays in " + p.nodeDir().resolve("keystore") + "; its certificate signing request, "
                    + p.nodeDir().resolve("keystore/node.csr") + ":");
            System.out.print(p.csrPem());
            System.out.println("next: paste the CSR into the console's Add a node form (or run ./consortium sign-csr --agency "
                    + agency + " --name " + p.name() + "), then ./consortium start " + p.name());
            return 0;
        }
    }

    @Command(name = "sign-csr", mixinStandardHelpOptions = true, description = "The agency CA signs a prepared node's CSR; prints the certificate for the console.")
    static final class SignCsr implements Callable<Integer> {
        @Mixin
        Main.DirOption at;
        @Option(names = "--agency", required = true, paramLabel = "AGENCY", description = "the agency whose CA signs")
        String agency;
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "the prepared node")
        String name;

        @Override
        public Integer call() throws Exception {
            try {
                at.consortium().signCsr(agency, name);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("cannot sign: no " + e.getMessage() + " (run ./consortium prepare-node first)");
            }
            Path cert = new NodeDirectory(at.dir.resolve("nodes").resolve(name)).nodeCertificateFile();
            System.out.println("the CA of " + agency + " signed the CSR of " + name + "; its certificate, " + cert + ":");
            System.out.print(Files.readString(cert));
            return 0;
        }
    }

    @Command(name = "remove-node", mixinStandardHelpOptions = true, description = "Removal through the node registry (proposal and approvals), then stops the node.")
    static final class RemoveNode extends Main.OnNode {
        @Override
        int on(Consortium consortium) throws Exception {
            return Membership.change("remove-node", at.dir, node, Consortium.jbossHomeOf(at.dir));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Puts the node's id and certificate serial on the revocation list: peers cut it off at once.")
    static final class Revoke extends Main.OnNode {
        @Override
        int on(Consortium consortium) throws Exception {
            return Membership.change("revoke", at.dir, node, Consortium.jbossHomeOf(at.dir));
        }
    }

    @Command(name = "rotate-signer", mixinStandardHelpOptions = true,
            description = {"A new document signer (the key valuation certificates are signed with) from the agency CA.",
                    "The node registers it on chain before its next signature, retiring the old one; certificates signed before stay valid."})
    static final class RotateSigner extends Main.OnNode {
        @Override
        int on(Consortium consortium) throws Exception {
            return consortium.rotateSigner(node);
        }
    }

    @Command(name = "revoke-signer", mixinStandardHelpOptions = true,
            description = {"Revokes the node's current document signer (or serial S) on chain with an RFC 5280 reason, then publishes the CRLs.",
                    "It goes through a running node of the signer's agency, or by a governance proposal when none runs."})
    static final class RevokeSigner extends Main.OnNode {
        @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
                description = "keyCompromise, superseded, cessationOfOperation, affiliationChanged or unspecified (default ${DEFAULT-VALUE})")
        String reason;
        @Option(names = "--serial", paramLabel = "S", description = "the signer certificate's serial, if not the node's current signer")
        String serial;

        @Override
        int on(Consortium consortium) throws Exception {
            return SignerRevocation.revoke(at.dir, Consortium.jbossHomeOf(at.dir), node, reason, serial);
        }
    }

    @Command(name = "crl", mixinStandardHelpOptions = true,
            description = {"The chain's revocations as RFC 5280 CRLs in at.consortium().d/crl/, for openssl -crl_check and EU DSS.",
                    "One per agency whose CA key is here, and the chain CA's; each valid 7 days, numbered by the chain's height."})
    static final class Crl implements Callable<Integer> {
        @Mixin
        Main.DirOption at;

        @Override
        public Integer call() throws Exception {
            return Crls.publish(at.dir, Consortium.jbossHomeOf(at.dir));
        }
    }
}
