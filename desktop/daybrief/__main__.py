from daybrief.cli.main import main

raise SystemExit(main())
