from kiosk.commands.cli import main

raise SystemExit(main())
