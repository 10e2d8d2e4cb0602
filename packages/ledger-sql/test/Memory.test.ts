// The ledger suite against the in-memory ledger, the default of RestoreClient.layer().
import { RestoreLedger } from "@dds-restore/client"
import { ledgerSuite } from "./suite.js"

ledgerSuite("memory", () => RestoreLedger.layerMemory)
