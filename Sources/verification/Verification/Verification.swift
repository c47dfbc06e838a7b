// Verification: see docs/architecture.md.
import TrackbotCore
