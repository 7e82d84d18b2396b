; Inno Setup script for Daybrief on Windows (Inno Setup 6). Not built in Daybrief's Linux CI:
; it needs Windows (or Wine) with Inno Setup. packaging/README.md has the steps:
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\daybrief.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\daybrief.iss
; The version is passed in from the package metadata rather than written here twice.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=<pyproject version> daybrief.iss
#endif

#define AppName "Daybrief"
#define AppExe "daybrief.exe"
#define AppProgId "Daybrief.ics"

[Setup]
; A fixed GUID: Windows matches upgrades and the uninstaller by it. Never change it.
AppId={{6F3C1B52-8E0A-4D8C-9B7E-2A5D4C1F0E93}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The Daybrief developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
; Per-user install by default (no administrator needed); the dialog offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=Daybrief-{#AppVersion}-setup
SetupIconFile=resources\icons\daybrief.ico
UninstallDisplayIcon={app}\{#AppExe}
LicenseFile=packaging\licenses\NOTICE.txt
ChangesAssociations=yes
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Open calendar files (.ics) with Daybrief"; GroupDescription: "File types:"
; Autostart: Daybrief lives in the tray and reminds you before meetings, so start it at
; login. This writes the per-user Run key (HKCU\...\Run); unticking removes nothing else.
Name: "autostart"; Description: "Start Daybrief when I log in (tray icon and reminders)"; GroupDescription: "Startup:"

[Files]
; The whole PyInstaller one-folder bundle: daybrief.exe, daybrief-cli.exe, Qt DLLs, data.
Source: "dist\daybrief\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .ics association under HKA (HKCU for per-user installs, HKLM for all users), as a
; non-default "Open with" candidate: Windows 10+ lets the user confirm the default.
Root: HKA; Subkey: "Software\Classes\.ics\OpenWithProgids"; ValueType: string; ValueName: "{#AppProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#AppProgId}"; ValueType: string; ValueName: ""; ValueData: "iCalendar file"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#AppProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#AppProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".ics"; ValueData: ""; Tasks: associate
; Autostart entry; removed on uninstall.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"""; Flags: uninsdeletevalue; Tasks: autostart

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
